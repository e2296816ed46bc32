// Shared UI building blocks (shadcn-style wrappers over Radix, styled by
// renderer/src/styles). Note for every feature: do not render Radix
// Dialog/AlertDialog Overlay, Select, ScrollArea or modal DropdownMenu
// directly — they inject <style> elements the strict CSP refuses (a console
// error in every e2e test). Use Dialog/ConfirmDialog/Select from here and
// DropdownMenu with modal={false}.
export { Avatar } from './avatar';
export { Badge, type BadgeTone } from './badge';
export { Button, type ButtonProps } from './button';
export { ConfirmDialog, Dialog } from './dialog';
export { EmptyState } from './empty-state';
export { ErrorText, isApiErrorCode, useErrorSentence } from './error-text';
export { Field, Input, Label, Textarea } from './input';
export { ImagePreview, isPreviewableImage } from './image-preview';
export { PeoplePicker } from './people-picker';
export { Select, type SelectOption } from './select';
export { Spinner } from './spinner';
export { Switch } from './switch';
export { TBody, THead, Table, Td, Th, Tr } from './table';
export { Tabs, TabsContent, TabsList, TabsTrigger } from './tabs';
export { ToastProvider, useToast, type ToastMessage } from './toast';
export { Tooltip, TooltipProvider } from './tooltip';
