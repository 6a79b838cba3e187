/* 分析研判 charts: ECharts (vendored) with the Chinese locale; data from the page's json_script. */
(function () {
  "use strict";
  var el = document.getElementById("chart-data");
  if (!el || typeof echarts === "undefined") { return; }
  var d = JSON.parse(el.textContent);
  var charts = [];
  function chart(id, option, links) {
    var node = document.getElementById(id);
    if (!node) { return; }
    var c = echarts.init(node, null, { locale: "ZH", renderer: "svg" });
    c.setOption(option);
    if (links) {  // drill-down: a bar or slice opens the list behind it
      c.on("click", function (p) { if (links[p.dataIndex]) { window.location.href = links[p.dataIndex]; } });
      node.title = "点击图形查看对应的检查清单";
    }
    charts.push(c);
  }
  chart("chart-month", {
    tooltip: { trigger: "axis", renderMode: "richText" },
    legend: { data: [d.year + "年", (d.year - 1) + "年", "联合检查"] },
    grid: { left: 40, right: 16, bottom: 30, top: 40 },
    xAxis: { type: "category", data: d.months },
    yAxis: { type: "value", minInterval: 1 },
    series: [
      { name: d.year + "年", type: "bar", data: d.total },
      { name: "联合检查", type: "bar", data: d.joint },
      { name: (d.year - 1) + "年", type: "line", data: d.total_prev }
    ]
  }, d.month_links);
  chart("chart-source", {
    tooltip: { trigger: "item", renderMode: "richText" },
    legend: { bottom: 0 },
    series: [{ type: "pie", radius: ["35%", "65%"], data: d.sources }]
  }, d.source_links);
  chart("chart-agency", {
    tooltip: { trigger: "axis", renderMode: "richText" },
    legend: { data: ["检查", "其中联合"] },
    grid: { left: 40, right: 16, bottom: 80, top: 40 },
    xAxis: { type: "category", data: d.agencies, axisLabel: { rotate: 30 } },
    yAxis: { type: "value", minInterval: 1 },
    series: [{ name: "检查", type: "bar", data: d.agency_total }, { name: "其中联合", type: "bar", data: d.agency_joint }]
  }, d.agency_links);
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
  document.documentElement.dataset.chartsReady = String(charts.length);
})();
