import type { Theme } from 'vitepress';
import DefaultTheme from 'vitepress/theme';

// Components are imported by the pages that use them (so a page's chunk carries only its own
// code, and the reports are fetched by those pages: .vitepress/lib/fetch-reports.ts).
export default {
  extends: DefaultTheme,
} satisfies Theme;
