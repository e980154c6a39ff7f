// ISO 8601 durations as policies carry them (P30D, PT12H, P1W, P1Y2M10DT2H30M, PT0S).

/** Milliseconds, or undefined when the text is not a duration. Years and months are 365 and 30 days. */
export function parseDuration(text: string): number | undefined {
  const match = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(
    text,
  );
  if (!match || text === 'P' || text.endsWith('T')) return undefined;
  const [, y, mo, w, d, h, mi, s] = match.map((v) => (v === undefined ? 0 : Number(v)));
  return ((((y! * 365 + mo! * 30 + w! * 7 + d!) * 24 + h!) * 60 + mi!) * 60 + s!) * 1000;
}
