import type { InputProblem } from '../../../electron/src/common/api';
import type { StringTree } from './index';

// BAD_INPUT's detail in words: which field, which rule, which limit ("The
// message is too long: at most 16,000 characters"). Part of the `errors`
// namespace, under `input`.

/** The field names a person knows, by the last meaningful segment of the API path. */
const FIELDS = [
  'text',
  'memo',
  'to',
  'amount',
  'file',
  'attachments',
  'title',
  'passphrase',
  'enrollmentId',
  'userId',
  'secret',
  'deadline',
  'expiresAt',
  'query',
  'content',
  'members',
  'name',
] as const;
type FieldKey = (typeof FIELDS)[number] | 'other';

/** 'attachments.0.dataBase64' → 'file', 'file.name' → 'name', 'grantee.userId' → 'userId'. */
export function fieldKey(path: string): FieldKey {
  const parts = path.split('.').filter((p) => p !== '' && !/^\d+$/.test(p));
  const last = parts.at(-1);
  if (last === 'dataBase64') return parts.length > 1 && parts[0] === 'attachments' ? 'attachments' : 'file';
  return (FIELDS as readonly string[]).includes(last ?? '') ? (last as FieldKey) : 'other';
}

const WORDED_RULES: ReadonlySet<string> = new Set([
  'too_long_characters',
  'too_short_characters',
  'too_large_bytes',
  'too_large_value',
  'too_small_value',
  'too_many_items',
]);

/** The rule's sentence key: a limit of bytes reads as a size, one of characters as a length. */
export function ruleKey(problem: InputProblem): string {
  const withLimit = `${problem.rule}_${problem.unit ?? 'value'}`;
  if (problem.limit !== undefined && WORDED_RULES.has(withLimit)) return withLimit;
  return problem.rule === 'required' ? 'required' : 'format';
}

export const inputProblemStrings: { en: StringTree; 'zh-CN': StringTree } = {
  en: {
    field: {
      text: 'The message',
      memo: 'The note',
      to: 'The recipient',
      amount: 'The amount',
      file: 'The file',
      attachments: 'The attachments',
      title: 'The name',
      passphrase: 'The passphrase',
      enrollmentId: 'The user ID',
      userId: 'The user ID',
      secret: 'The enrollment secret',
      deadline: 'The deadline',
      expiresAt: 'The expiry',
      query: 'The search',
      content: 'The file',
      members: 'The member list',
      name: 'The name',
      other: 'Something you entered',
    },
    rule: {
      too_long_characters: '{{field}} is too long: at most {{limit}} characters.',
      too_short_characters: '{{field}} is too short: at least {{limit}} characters.',
      too_large_bytes: '{{field}} is too large: at most {{size}}.',
      too_large_value: '{{field}} is too large: at most {{limit}}.',
      too_small_value: '{{field}} is too small.',
      too_many_items: '{{field}}: at most {{limit}} allowed.',
      required: '{{field}} is missing.',
      format: '{{field}} is not in the expected form.',
    },
  },
  'zh-CN': {
    field: {
      text: '消息',
      memo: '备注',
      to: '收款人',
      amount: '金额',
      file: '文件',
      attachments: '附件',
      title: '名称',
      passphrase: '密码短语',
      enrollmentId: '用户 ID',
      userId: '用户 ID',
      secret: '注册密钥',
      deadline: '截止时间',
      expiresAt: '到期时间',
      query: '搜索内容',
      content: '文件',
      members: '成员列表',
      name: '名称',
      other: '您输入的内容',
    },
    rule: {
      too_long_characters: '{{field}}太长：最多 {{limit}} 个字符。',
      too_short_characters: '{{field}}太短：至少 {{limit}} 个字符。',
      too_large_bytes: '{{field}}太大：最大 {{size}}。',
      too_large_value: '{{field}}太大：最大 {{limit}}。',
      too_small_value: '{{field}}太小。',
      too_many_items: '{{field}}：最多 {{limit}} 个。',
      required: '缺少{{field}}。',
      format: '{{field}}的格式不正确。',
    },
  },
};
