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
      unreachable: 'Not running',
    },
    serviceUnreachable:
      "KTalk's service on this computer is not answering. Nothing can be sent or received until it is running again; if you restarted KTalk, open the address it printed.",
    roles: { staff: 'Staff', admin: 'Administrator', compliance: 'Compliance officer' },
    accountMenu: 'Account menu',
    switchAccount: 'Switch account',
    signOut: 'Sign out',
    notAvailable: 'This section is not available yet.',
    unreachableTitle: 'KTalk cannot reach its service',
    newMessageFrom: 'New message from {{name}}',
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
      unreachable: '未运行',
    },
    serviceUnreachable:
      '这台电脑上的 KTalk 服务没有响应。在它重新运行之前，无法发送或接收任何内容；如果您已重新启动 KTalk，请打开它显示的新地址。',
    roles: { staff: '员工', admin: '管理员', compliance: '合规专员' },
    accountMenu: '账户菜单',
    switchAccount: '切换账户',
    signOut: '退出登录',
    notAvailable: '此功能暂不可用。',
    unreachableTitle: 'KTalk 无法连接其服务',
    newMessageFrom: '来自 {{name}} 的新消息',
  },
};
