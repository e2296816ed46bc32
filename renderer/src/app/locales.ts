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
  },
};
