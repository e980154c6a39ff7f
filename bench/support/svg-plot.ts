// A small SVG line chart written by hand (no plotting dependency): two series against a categorical x axis, each on
// its own y axis (left and right), with an optional horizontal reference line on the left axis.

interface Series {
  label: string;
  values: number[];
  color: string;
  dashed?: boolean;
  /** Decimals of the point labels. Default 2. */
  digits?: number;
}

export interface ChartOptions {
  title: string;
  xLabel: string;
  xValues: (string | number)[];
  left: Series & { axisLabel: string };
  right: Series & { axisLabel: string };
  /** A line across the plot on the left axis, e.g. the write budget. */
  reference?: { value: number; label: string };
}

const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A round axis maximum just above `max`, and a tick step that divides it into about five. */
function axis(max: number): { top: number; step: number } {
  const raw = Math.max(max, 1e-9) * 1.15;
  const magnitude = 10 ** Math.floor(Math.log10(raw / 5));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => raw / s <= 6) ?? 10 * magnitude;
  return { top: Math.ceil(raw / step) * step, step };
}

const fmt = (v: number) => String(Number(v.toFixed(3)));

export function lineChartSvg(o: ChartOptions): string {
  const width = 720;
  const height = 420;
  const pad = { left: 70, right: 70, top: 50, bottom: 70 };
  const plotW = width - pad.left - pad.right;
  const plotH = height - pad.top - pad.bottom;
  const leftAxis = axis(Math.max(...o.left.values, o.reference?.value ?? 0));
  const rightAxis = axis(Math.max(...o.right.values));
  const x = (i: number) => pad.left + (o.xValues.length === 1 ? plotW / 2 : (i * plotW) / (o.xValues.length - 1));
  const y = (v: number, a: { top: number }) => pad.top + plotH - (v / a.top) * plotH;
  const parts: string[] = [];
  parts.push(`<rect width="${width}" height="${height}" fill="white"/>`);
  parts.push(
    `<text x="${width / 2}" y="28" text-anchor="middle" font-size="16" font-weight="bold">${escape(o.title)}</text>`,
  );
  for (let v = 0; v <= leftAxis.top + 1e-9; v += leftAxis.step) {
    const yy = y(v, leftAxis);
    parts.push(`<line x1="${pad.left}" y1="${yy}" x2="${pad.left + plotW}" y2="${yy}" stroke="#e5e5e5"/>`);
    parts.push(
      `<text x="${pad.left - 8}" y="${yy + 4}" text-anchor="end" font-size="12" fill="${o.left.color}">${fmt(v)}</text>`,
    );
  }
  for (let v = 0; v <= rightAxis.top + 1e-9; v += rightAxis.step) {
    parts.push(
      `<text x="${pad.left + plotW + 8}" y="${y(v, rightAxis) + 4}" font-size="12" fill="${o.right.color}">${fmt(v)}</text>`,
    );
  }
  parts.push(`<rect x="${pad.left}" y="${pad.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#888"/>`);
  o.xValues.forEach((value, i) => {
    parts.push(
      `<text x="${x(i)}" y="${pad.top + plotH + 20}" text-anchor="middle" font-size="12">${escape(String(value))}</text>`,
    );
  });
  parts.push(
    `<text x="${pad.left + plotW / 2}" y="${height - 30}" text-anchor="middle" font-size="13">${escape(o.xLabel)}</text>`,
  );
  parts.push(
    `<text transform="translate(20 ${pad.top + plotH / 2}) rotate(-90)" text-anchor="middle" font-size="13" fill="${o.left.color}">${escape(o.left.axisLabel)}</text>`,
    `<text transform="translate(${width - 18} ${pad.top + plotH / 2}) rotate(90)" text-anchor="middle" font-size="13" fill="${o.right.color}">${escape(o.right.axisLabel)}</text>`,
  );
  if (o.reference) {
    const yy = y(o.reference.value, leftAxis);
    parts.push(
      `<line x1="${pad.left}" y1="${yy}" x2="${pad.left + plotW}" y2="${yy}" stroke="#c0392b" stroke-dasharray="2 4"/>`,
    );
    parts.push(
      `<text x="${pad.left + 6}" y="${yy - 6}" font-size="12" fill="#c0392b">${escape(o.reference.label)}</text>`,
    );
  }
  // Left-series labels sit above their points, right-series labels below, so that close points stay readable.
  for (const [series, a, dy] of [
    [o.left, leftAxis, -9],
    [o.right, rightAxis, 17],
  ] as const) {
    const points = series.values.map((v, i) => `${x(i)},${y(v, a)}`).join(' ');
    parts.push(
      `<polyline points="${points}" fill="none" stroke="${series.color}" stroke-width="2"${series.dashed ? ' stroke-dasharray="6 4"' : ''}/>`,
    );
    series.values.forEach((v, i) => {
      parts.push(`<circle cx="${x(i)}" cy="${y(v, a)}" r="4" fill="${series.color}"/>`);
      parts.push(
        `<text x="${x(i)}" y="${y(v, a) + dy}" text-anchor="middle" font-size="11" fill="${series.color}">${v.toFixed(series.digits ?? 2)}</text>`,
      );
    });
  }
  const legendY = height - 10;
  [o.left, o.right].forEach((s, i) => {
    const lx = pad.left + i * 260;
    parts.push(
      `<line x1="${lx}" y1="${legendY - 4}" x2="${lx + 28}" y2="${legendY - 4}" stroke="${s.color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`,
    );
    parts.push(`<text x="${lx + 34}" y="${legendY}" font-size="12">${escape(s.label)}</text>`);
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif">\n${parts.join('\n')}\n</svg>\n`;
}
