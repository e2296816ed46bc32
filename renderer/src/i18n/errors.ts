import type { ApiErrorCode } from '../../../electron/src/common/api';
import { inputProblemStrings } from './input-problems';

// Every error code the API can answer with, as a sentence a non-technical
// person understands. Typed by code, so a new code fails to compile here.

type Sentences = Record<ApiErrorCode, string>;

const en: Sentences = {
  BAD_INPUT: 'Something in what you entered is not valid. Please check it and try again.',
  NOT_SIGNED_IN: 'You are signed out. Please sign in again.',
  ALREADY_SIGNED_IN: 'You are already signed in.',
  WRONG_PASSPHRASE: 'That passphrase is not correct.',
  UNKNOWN_ACCOUNT: 'This account is not on this computer any more.',
  PROFILE_INVALID: 'This network profile file is damaged or incomplete. Ask your administrator for a new one.',
  WRONG_SECRET: 'The user ID or the enrollment secret is not correct, or the secret was already used.',
  CA_UNREACHABLE: "Your organization's certificate service cannot be reached. Check your connection and try again.",
  CA_REFUSED: "Your organization's certificate service refused the request. Ask your administrator.",
  CERT_EXPIRED: 'Your certificate has expired. Ask your administrator for a new enrollment secret.',
  CERT_REVOKED: 'Your access has been revoked by an administrator.',
  FORBIDDEN: 'You are not allowed to do this.',
  NOT_FOUND: 'This no longer exists, or it was never shared with you.',
  CONFLICT: 'Someone changed this at the same moment. Please try again.',
  EXPIRED: 'Access to this has expired.',
  DISABLED: 'This user has been disabled by an administrator.',
  INSUFFICIENT_FUNDS: 'Your balance is too low for this payment.',
  LIMIT_EXCEEDED: 'This goes over a limit set for your account.',
  TOO_LARGE: 'This is too large to send.',
  STALE_EPOCH: 'The conversation key changed while sending. Please try again.',
  REKEY_REQUIRED: "A member left this group. Messages can be sent again once a manager's device has changed the key.",
  NOT_MEMBER: 'You are no longer a member of this group (you were removed, or you left), so you cannot post here.',
  NETWORK_UNAVAILABLE: 'The network cannot be reached right now. Your message will be sent when it is back.',
  APP_UNREACHABLE:
    "KTalk's service on this computer cannot be reached from this page, so nothing was sent. If KTalk was restarted, open the new address it printed, then try again.",
  KEY_CHANGED: "This person's security key changed. Compare safety numbers before sending.",
  DECRYPT_FAILED: 'This message could not be decrypted on this device.',
  VERIFY_FAILED: 'The sender of this message could not be verified.',
  INTERNAL: 'Something went wrong inside KTalk. Please try again; if it keeps happening, contact support.',
  UNKNOWN_USER: 'There is nobody with this user ID on the network (or they have never signed in). Check the ID.',
  ALREADY_REGISTERED: 'This user ID is already registered. Choose another ID, or issue a new secret for it.',
  SELF_PAYMENT: 'You cannot pay yourself. Choose another recipient.',
  NOT_AN_EXPORT:
    'This file is not a KTalk JSON audit export. Verify the JSON export (a CSV export cannot be verified).',
  KEY_RECOVERY_PENDING:
    'Your new message keys are waiting: they were published without your previous keys, so they take effect only after the recovery period or when your compliance officer approves them. Your other devices and your contacts are told meanwhile.',
};

const zh: Sentences = {
  BAD_INPUT: '您输入的内容无效，请检查后重试。',
  NOT_SIGNED_IN: '您已退出登录，请重新登录。',
  ALREADY_SIGNED_IN: '您已经登录。',
  WRONG_PASSPHRASE: '密码短语不正确。',
  UNKNOWN_ACCOUNT: '此账户已不在这台电脑上。',
  PROFILE_INVALID: '此网络配置文件已损坏或不完整，请向管理员索取新文件。',
  WRONG_SECRET: '用户 ID 或注册密钥不正确，或该密钥已被使用。',
  CA_UNREACHABLE: '无法连接贵单位的证书服务，请检查网络后重试。',
  CA_REFUSED: '贵单位的证书服务拒绝了此请求，请联系管理员。',
  CERT_EXPIRED: '您的证书已过期，请向管理员索取新的注册密钥。',
  CERT_REVOKED: '管理员已撤销您的访问权限。',
  FORBIDDEN: '您无权执行此操作。',
  NOT_FOUND: '此内容已不存在，或从未与您共享。',
  CONFLICT: '有人同时修改了此内容，请重试。',
  EXPIRED: '对此内容的访问权限已过期。',
  DISABLED: '此用户已被管理员停用。',
  INSUFFICIENT_FUNDS: '您的余额不足以完成此付款。',
  LIMIT_EXCEEDED: '超出了为您的账户设定的限额。',
  TOO_LARGE: '内容太大，无法发送。',
  STALE_EPOCH: '发送时会话密钥已更改，请重试。',
  REKEY_REQUIRED: '有成员离开了此群组。管理者的设备更换密钥后，才能再次发送消息。',
  NOT_MEMBER: '您已不再是此群组的成员（已被移出或已退出），无法在此发送消息。',
  NETWORK_UNAVAILABLE: '暂时无法连接网络。网络恢复后将发送您的消息。',
  APP_UNREACHABLE:
    '此页面无法连接这台电脑上的 KTalk 服务，因此没有发送任何内容。如果 KTalk 已重新启动，请打开它显示的新地址，然后重试。',
  KEY_CHANGED: '此人的安全密钥已更改。发送前请先核对安全码。',
  DECRYPT_FAILED: '此设备无法解密这条消息。',
  VERIFY_FAILED: '无法验证这条消息的发送者。',
  INTERNAL: 'KTalk 内部出现问题，请重试；如果问题持续，请联系技术支持。',
  UNKNOWN_USER: '网络中没有使用此用户 ID 的人（或此人从未登录过）。请检查 ID。',
  ALREADY_REGISTERED: '此用户 ID 已被注册。请换一个 ID，或为它重新签发密钥。',
  SELF_PAYMENT: '不能向自己付款。请选择其他收款人。',
  NOT_AN_EXPORT: '此文件不是 KTalk 的 JSON 审计导出文件。请验证 JSON 导出文件（CSV 导出文件无法验证）。',
  KEY_RECOVERY_PENDING:
    '您的新消息密钥正在等待生效：它们不是用您之前的密钥发布的，因此只有在恢复期结束后或经合规官批准后才会生效。在此期间，您的其他设备和联系人会收到通知。',
};

/** The sentences by code, and BAD_INPUT's detail under `input`. */
export const errorStrings = {
  en: { ...en, input: inputProblemStrings.en },
  'zh-CN': { ...zh, input: inputProblemStrings['zh-CN'] },
};
