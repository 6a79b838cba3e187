// The 分析研判 dashboard's ECharts: only what supervision/static/supervision/dashboard.js uses
// (bar, line and pie charts; tooltip, legend and grid; the SVG renderer). Built by build.sh into
// static/vendor/echarts/echarts.custom.min.js, which exposes the same global `echarts` as the full build.
import * as echarts from "echarts/core";
import { BarChart, LineChart, PieChart } from "echarts/charts";
import { GridComponent, LegendComponent, TooltipComponent } from "echarts/components";
import { SVGRenderer } from "echarts/renderers";

echarts.use([BarChart, LineChart, PieChart, GridComponent, LegendComponent, TooltipComponent, SVGRenderer]);
window.echarts = echarts;
