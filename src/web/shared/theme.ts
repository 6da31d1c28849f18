import type { ThemeConfig } from 'antd';

/**
 * The fonts of every page: each system's own UI font for Latin text, then the Chinese font that system ships
 * (macOS PingFang SC, Windows Microsoft YaHei, Linux Noto Sans CJK SC or WenQuanYi Micro Hei).
 */
export const FONT_FAMILY = [
  '-apple-system',
  'BlinkMacSystemFont',
  '"Segoe UI"',
  '"PingFang SC"',
  '"Hiragino Sans GB"',
  '"Microsoft YaHei"',
  '"Noto Sans CJK SC"',
  '"Noto Sans SC"',
  '"Source Han Sans SC"',
  '"WenQuanYi Micro Hei"',
  '"Helvetica Neue"',
  'Arial',
  'sans-serif',
].join(', ');

/**
 * The one theme of the web app, given to Ant Design's ConfigProvider once at the root. The primary blue and
 * the secondary text greys are darker than Ant Design's defaults so that text on them and they on white
 * reach WCAG AA contrast (4.5:1).
 */
export const theme: ThemeConfig = {
  token: {
    fontFamily: FONT_FAMILY,
    colorPrimary: '#0958d9',
    colorLink: '#0958d9',
    // Hovered and pressed are darker, not lighter, than the primary: Ant Design's derived hover blue (lighter)
    // is under 4.5:1 as text on white, and a button stays hovered after it is clicked.
    colorPrimaryHover: '#003eb3',
    colorPrimaryActive: '#002c8c',
    colorLinkHover: '#003eb3',
    colorLinkActive: '#002c8c',
    colorTextSecondary: 'rgba(0, 0, 0, 0.68)',
    colorTextTertiary: 'rgba(0, 0, 0, 0.62)',
    colorTextDescription: 'rgba(0, 0, 0, 0.62)',
    // Messages at form fields and placeholders are text too (AA on white).
    colorError: '#cf1322',
    colorTextPlaceholder: 'rgba(0, 0, 0, 0.62)',
    borderRadius: 6,
  },
};
