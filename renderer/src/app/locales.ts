// Strings of the app shell (namespace "app").
export const strings = {
  en: {
    navigation: 'Main navigation',
    nav: {
      chats: 'Chats',
      sharing: 'Sharing',
      payments: 'Payments',
      admin: 'Admin',
      compliance: 'Compliance',
      settings: 'Settings',
    },
    sync: {
      offline: 'Offline',
      connecting: 'Connecting',
      connected: 'Online',
      reconnecting: 'Reconnecting',
      revoked: 'Access revoked',
      unreachable: 'No service',
    },
    serviceUnreachable:
      "This page cannot reach KTalk's service on this computer: nothing can be sent or received here. If KTalk was stopped, start it again; if it was restarted, open the new address it printed.",
    roles: { staff: 'Staff', admin: 'Administrator', compliance: 'Compliance officer' },
    accountMenu: 'Account menu',
    switchAccount: 'Switch account',
    signOut: 'Sign out',
    unreachableTitle: 'KTalk cannot reach its service',
    newMessageFrom: 'New message from {{name}}',
    storeFailed: 'Something could not be saved on this computer',
    keyAlarm: {
      pendingTitle: 'Someone is replacing your message keys.',
      pendingBody:
        'New keys for your account were published without the keys on your devices. Unless you stop it, they take effect on {{until}} (or sooner if your compliance officer approves), and your contacts would then encrypt to them. If this was not you, veto it now.',
      replacedTitle: 'Your message keys were replaced.',
      replacedBody:
        'The directory now lists keys for your account that this device did not make. If you did not set up a new device, tell your compliance officer at once.',
      veto: 'Veto this change',
    },
  },
  'zh-CN': {
    navigation: '主导航',
    nav: {
      chats: '聊天',
      sharing: '共享',
      payments: '支付',
      admin: '管理',
      compliance: '合规',
      settings: '设置',
    },
    sync: {
      offline: '离线',
      connecting: '正在连接',
      connected: '在线',
      reconnecting: '正在重新连接',
      revoked: '访问已撤销',
      unreachable: '无法连接',
    },
    serviceUnreachable:
      '此页面无法连接这台电脑上的 KTalk 服务：这里无法发送或接收任何内容。如果 KTalk 已停止，请重新启动；如果已重新启动，请打开它显示的新地址。',
    roles: { staff: '员工', admin: '管理员', compliance: '合规专员' },
    accountMenu: '账户菜单',
    switchAccount: '切换账户',
    signOut: '退出登录',
    unreachableTitle: 'KTalk 无法连接其服务',
    newMessageFrom: '来自 {{name}} 的新消息',
    storeFailed: '有内容无法保存在这台电脑上',
    keyAlarm: {
      pendingTitle: '有人正在替换您的消息密钥。',
      pendingBody:
        '有人在没有您设备上密钥的情况下为您的账户发布了新密钥。除非您阻止，这些密钥将于 {{until}} 生效（如合规专员批准则会更早），之后联系人会用它们加密发给您的消息。如果这不是您本人所为，请立即否决。',
      replacedTitle: '您的消息密钥已被替换。',
      replacedBody: '目录中您账户的密钥并非由此设备生成。如果您没有设置新设备，请立即告知合规专员。',
      veto: '否决此更改',
    },
  },
};
