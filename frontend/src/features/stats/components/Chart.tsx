import { useEffect, useRef } from 'react';
import type { EChartsOption } from 'echarts';

/**
 * One ECharts chart. ECharts is loaded on demand (it is most of the page's weight) and disposed with the
 * component; the toolbox's "save as image" downloads the chart as a PNG.
 */
export function Chart({ option, label, testId, height = 320 }: { option: EChartsOption; label: string; testId: string; height?: number }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    let disposed = false;
    let chart: { dispose: () => void; resize: () => void; setOption: (o: EChartsOption) => void } | null = null;
    const observer = new ResizeObserver(() => chart?.resize());
    void import('../lib/echarts').then((echarts) => {
      if (disposed || !ref.current) return;
      chart = echarts.init(ref.current, undefined, { renderer: 'canvas' });
      chart.setOption(option);
      ref.current.dataset.ready = 'true';
      observer.observe(ref.current);
    });
    return () => {
      disposed = true;
      observer.disconnect();
      chart?.dispose();
    };
  }, [option]);
  return <div ref={ref} className="stats-chart" role="img" aria-label={label} data-testid={testId} style={{ height }} />;
}
