/**
 * The playground's setup in the URL's query string, so a setup can be shared: only the fields
 * that differ from the defaults are written, and anything unreadable falls back to its default.
 */
export interface PlaygroundState {
  logits: string;
  temperature: string;
  operation: 'softmax' | 'logSoftmax';
  dtype: 'float64' | 'float32';
  allMasked: 'error' | 'zeros' | 'nan';
  backends: string[];
}

export function defaultState(backends: readonly string[]): PlaygroundState {
  return {
    logits: '2, 1, 0.1',
    temperature: '1',
    operation: 'softmax',
    dtype: 'float64',
    allMasked: 'error',
    backends: [...backends],
  };
}

const pick = <Value extends string>(
  text: string | null,
  allowed: readonly Value[],
  fallback: Value,
) => (allowed.includes(text as Value) ? (text as Value) : fallback);

/** The state a query string describes; `known` lists the backends that may be picked, in order. */
export function stateFromQuery(query: string, known: readonly string[]): PlaygroundState {
  const params = new URLSearchParams(query);
  const fallback = defaultState(known);
  const backends = params.get('backends');
  return {
    logits: params.get('logits') ?? fallback.logits,
    temperature: params.get('t') ?? fallback.temperature,
    operation: pick(params.get('op'), ['softmax', 'logSoftmax'], fallback.operation),
    dtype: pick(params.get('dtype'), ['float64', 'float32'], fallback.dtype),
    allMasked: pick(params.get('masked'), ['error', 'zeros', 'nan'], fallback.allMasked),
    backends:
      backends === null
        ? fallback.backends
        : known.filter((name) => backends.split(',').includes(name)),
  };
}

/** The query string (with its `?`, or '' for the defaults) that gives back `state`. */
export function queryFromState(state: PlaygroundState, known: readonly string[]): string {
  const fallback = defaultState(known);
  const params = new URLSearchParams();
  if (state.logits !== fallback.logits) params.set('logits', state.logits);
  if (state.temperature !== fallback.temperature) params.set('t', state.temperature);
  if (state.operation !== fallback.operation) params.set('op', state.operation);
  if (state.dtype !== fallback.dtype) params.set('dtype', state.dtype);
  if (state.allMasked !== fallback.allMasked) params.set('masked', state.allMasked);
  const backends = known.filter((name) => state.backends.includes(name));
  if (backends.join(',') !== fallback.backends.join(','))
    params.set('backends', backends.join(','));
  const text = params.toString();
  return text ? `?${text}` : '';
}
