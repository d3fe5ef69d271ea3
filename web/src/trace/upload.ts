/** A trace the user opened from a file (OTLP JSON), held for `/trace/file`. */
import { traceFromJson, type UiTrace } from './model';

let uploaded: { trace: UiTrace; json: unknown } | undefined;

export function uploadedTrace(): { trace: UiTrace; json: unknown } | undefined {
  return uploaded;
}

/** Reads a file as a trace; throws with the reason when it is not OTLP JSON holding spans. */
export async function openTraceFile(file: File): Promise<void> {
  let json: unknown;
  try {
    json = JSON.parse(await file.text()) as unknown;
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new Error(`${file.name} is not JSON: ${reason}`, { cause: err });
  }
  const trace = traceFromJson(json);
  if (trace.spans.length === 0) throw new Error(`${file.name} holds no spans (OTLP JSON expected)`);
  uploaded = { trace, json };
}
