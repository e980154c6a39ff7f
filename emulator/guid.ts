// GUIDs as the directory stores them: the .NET byte order, whose first three groups are little-endian. Object ids
// derived from another object's id (security identifiers, app role assignment ids) start from these bytes.

export function guidBytes(id: string): number[] {
  const hex = id.replaceAll('-', '');
  const b = (i: number) => parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return [b(3), b(2), b(1), b(0), b(5), b(4), b(7), b(6), ...Array.from({ length: 8 }, (_, i) => b(8 + i))];
}
