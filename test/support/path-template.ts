/** Path parameters of `path` under an OpenAPI-style template such as `/zones/{zone_id}`, or undefined. */
export function matchTemplate(template: string, path: string): Record<string, string> | undefined {
  const want = template.split('/');
  const got = path.split('/');
  if (want.length !== got.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i += 1) {
    const w = want[i] ?? '';
    const g = got[i] ?? '';
    const name = /^\{(.+)\}$/.exec(w)?.[1];
    if (name !== undefined) {
      if (g === '') return undefined;
      params[name] = safeDecode(g);
    } else if (w !== g) {
      return undefined;
    }
  }
  return params;
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
