/** A URI path's last segment and its extension (what path.posix gives, without Node's path in the browser build). */
export function baseName(uriPath: string): string {
  const trimmed = uriPath.replace(/\/+$/, '');
  return trimmed.slice(trimmed.lastIndexOf('/') + 1);
}

/** ".tsv" for "a/b.pairs.tsv"; "" without a dot after the first character of the name (as path.posix.extname). */
export function extName(uriPath: string): string {
  const name = baseName(uriPath);
  const dot = name.lastIndexOf('.');
  return dot <= 0 ? '' : name.slice(dot);
}
