import type { EChartsCoreOption } from 'echarts/core';
import { useEffect, useRef } from 'react';
import { FONT_FAMILY } from '../theme.js';
import { echarts } from './echarts-setup.js';

/** Props of {@link EChart}. */
export interface EChartProps {
  option: EChartsCoreOption;
  /** What the chart shows, for screen readers (the canvas itself says nothing). */
  label: string;
  height?: number;
}

/**
 * Draws an ECharts option into a canvas that follows its container's width. Import it lazily
 * (`lazy(() => import('…/echart.js'))`): it carries the chart code.
 */
export default function EChart({ option, label, height = 320 }: EChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<ReturnType<typeof echarts.init> | undefined>(undefined);

  useEffect(() => {
    const el = box.current!;
    const instance = echarts.init(el, undefined, { renderer: 'canvas' });
    chart.current = instance;
    const resize = new ResizeObserver(() => instance.resize());
    resize.observe(el);
    return () => {
      resize.disconnect();
      instance.dispose();
      chart.current = undefined;
    };
  }, []);

  useEffect(() => {
    // The pages' font stack, so that Chinese labels use the same font as the text around the chart.
    chart.current?.setOption({ textStyle: { fontFamily: FONT_FAMILY }, ...option }, { notMerge: true });
  }, [option]);

  return <div ref={box} role="img" aria-label={label} style={{ width: '100%', height }} />;
}
