// The dashboard's trend: cases received, closed and escalated, with the four rates on a
// second axis.
(function () {
  "use strict";
  var el = document.getElementById("trend-chart");
  var source = document.getElementById("trend-data");
  if (!el || !source || !window.echarts) return;
  var d = JSON.parse(source.textContent);
  var chart = echarts.init(el, null, { renderer: "canvas" });
  function pct(v) { return v === null || v === undefined ? null : Math.round(v * 1000) / 10; }
  chart.setOption({
    animation: false,
    tooltip: { trigger: "axis", renderMode: "richText" },
    legend: { top: 0 },
    grid: { left: 40, right: 48, top: 60, bottom: 28 },
    xAxis: { type: "category", data: d.points },
    yAxis: [{ type: "value", minInterval: 1 }, { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } }],
    series: [
      { name: d.labels.received, type: "bar", data: d.received, itemStyle: { color: "#84adff" } },
      { name: d.labels.closed, type: "bar", data: d.closed, itemStyle: { color: "#32d583" } },
      { name: d.labels.escalated, type: "bar", data: d.escalated, itemStyle: { color: "#f79009" } },
      { name: d.labels.response, type: "line", yAxisIndex: 1, connectNulls: true, data: d.response.map(pct), itemStyle: { color: "#1d2939" } },
      { name: d.labels.resolution, type: "line", yAxisIndex: 1, connectNulls: true, data: d.resolution.map(pct), itemStyle: { color: "#12b76a" }, lineStyle: { type: "dashed" } },
      { name: d.labels.on_time_closure, type: "line", yAxisIndex: 1, connectNulls: true, data: d.on_time_closure.map(pct), itemStyle: { color: "#f04438" }, lineStyle: { type: "dotted" } },
      { name: d.labels.satisfaction, type: "line", yAxisIndex: 1, connectNulls: true, data: d.satisfaction.map(pct), itemStyle: { color: "#7a5af8" } }
    ]
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
