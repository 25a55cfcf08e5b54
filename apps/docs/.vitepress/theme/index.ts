import type { Theme } from 'vitepress';
import DefaultTheme from 'vitepress/theme';
import BackendTable from './components/BackendTable.vue';
import ConformanceMatrix from './components/ConformanceMatrix.vue';
import EnvStamp from './components/EnvStamp.vue';
import NotRun from './components/NotRun.vue';
import RawPeers from './components/RawPeers.vue';
import SoftmaxPlayground from './components/SoftmaxPlayground.vue';
import SpeedCharts from './components/SpeedCharts.vue';
import WorkedExamples from './components/WorkedExamples.vue';

export default {
  extends: DefaultTheme,
  enhanceApp({ app }) {
    app.component('BackendTable', BackendTable);
    app.component('ConformanceMatrix', ConformanceMatrix);
    app.component('EnvStamp', EnvStamp);
    app.component('NotRun', NotRun);
    app.component('SoftmaxPlayground', SoftmaxPlayground);
    app.component('RawPeers', RawPeers);
    app.component('SpeedCharts', SpeedCharts);
    app.component('WorkedExamples', WorkedExamples);
  },
} satisfies Theme;
