// This package's tests run the suite on many backends per file with the same seed: the rows and
// float64 references that do not depend on the backend are made once per file instead of once
// per run (src/shared-values.ts says which). The backend-dependent parts, and every check, still
// run per run.
import { shareAcrossRuns } from '../src/shared-values.js';

shareAcrossRuns(true);
