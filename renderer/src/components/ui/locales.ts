// Strings of the shared UI components (namespace "ui").
export const strings = {
  en: {
    close: 'Close',
    cancel: 'Cancel',
    confirm: 'Confirm',
    loading: 'Loading…',
    retry: 'Try again',
    errorTitle: 'That did not work',
    dismiss: 'Dismiss',
    notifications: 'Notifications',
  },
  'zh-CN': {
    close: '关闭',
    cancel: '取消',
    confirm: '确认',
    loading: '正在加载…',
    retry: '重试',
    errorTitle: '操作未成功',
    dismiss: '忽略',
    notifications: '通知',
  },
};
