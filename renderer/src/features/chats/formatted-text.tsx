import { Fragment, useMemo, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { type Block, type Inline, parseMarkdown } from '../../../../electron/src/common/markdown';
import { ConfirmDialog } from '../../components/ui';

// A message's text in the Markdown subset (common/markdown.ts), as React
// elements only: every piece of text is a text node, so no HTML a sender
// writes ever reaches the DOM as markup. A link is a button, not an <a href>:
// nothing (middle click, drag, a context menu) can follow it without the
// confirmation that shows its full address; it then opens outside the app
// (Electron hands window.open to the system browser, the web mode opens a
// new tab without an opener). No link previews: fetching one would tell the
// linked site who is reading the conversation, and when.

/** Opens an address the link policy already accepted, outside the app. */
function openOutside(href: string): void {
  window.open(href, '_blank', 'noopener,noreferrer');
}

function inlines(nodes: readonly Inline[], onLink: (href: string) => void): ReactNode[] {
  return nodes.map((node, index) => {
    switch (node.type) {
      case 'text':
        return <Fragment key={index}>{node.text}</Fragment>;
      case 'code':
        return <code key={index}>{node.text}</code>;
      case 'strong':
        return <strong key={index}>{inlines(node.children, onLink)}</strong>;
      case 'em':
        return <em key={index}>{inlines(node.children, onLink)}</em>;
      case 'strike':
        return <s key={index}>{inlines(node.children, onLink)}</s>;
      case 'link':
        return (
          <button
            key={index}
            type="button"
            className="message-link"
            title={node.href}
            data-href={node.href}
            onClick={() => onLink(node.href)}
          >
            {inlines(node.children, onLink)}
          </button>
        );
    }
  });
}

function blocks(list: readonly Block[], onLink: (href: string) => void): ReactNode[] {
  return list.map((block, index) => {
    switch (block.type) {
      case 'paragraph':
        return (
          <p key={index} className="message-text">
            {inlines(block.children, onLink)}
          </p>
        );
      case 'code-block':
        return (
          <pre key={index} className="message-code">
            <code>{block.text}</code>
          </pre>
        );
      case 'quote':
        return (
          <blockquote key={index} className="message-quote">
            {blocks(block.children, onLink)}
          </blockquote>
        );
      case 'list': {
        const items = block.items.map((item, i) => <li key={i}>{inlines(item, onLink)}</li>);
        return block.ordered ? (
          <ol key={index} className="message-list-items" start={block.start}>
            {items}
          </ol>
        ) : (
          <ul key={index} className="message-list-items">
            {items}
          </ul>
        );
      }
    }
  });
}

export function FormattedText({ text }: { readonly text: string }) {
  const { t } = useTranslation('chats');
  const parsed = useMemo(() => parseMarkdown(text), [text]);
  const [pending, setPending] = useState<string | null>(null);
  return (
    <div className="message-formatted" data-testid="message-text">
      {blocks(parsed, setPending)}
      {pending !== null ? (
        <ConfirmDialog
          open
          onOpenChange={(open) => !open && setPending(null)}
          title={t('openLinkTitle')}
          description={t('openLinkBody')}
          confirmLabel={t('openLink')}
          onConfirm={() => {
            openOutside(pending);
            setPending(null);
          }}
        >
          <p className="link-address" data-testid="link-address">
            {pending}
          </p>
        </ConfirmDialog>
      ) : null}
    </div>
  );
}
