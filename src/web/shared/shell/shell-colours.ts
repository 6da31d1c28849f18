import { theme } from 'antd';
import type { CSSProperties } from 'react';

/** The theme's font and colours as the `--zcd-*` variables shell.css reads, for the root element of a page. */
export function useShellColours(): CSSProperties {
  const { token } = theme.useToken();
  return {
    '--zcd-font': token.fontFamily,
    '--zcd-text': token.colorText,
    '--zcd-primary': token.colorPrimary,
    '--zcd-border': token.colorBorderSecondary,
    '--zcd-muted': token.colorTextSecondary,
    '--zcd-bg': token.colorBgLayout,
  } as CSSProperties;
}
