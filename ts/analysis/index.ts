/**
 * The analysis layer (SPEC.md §3): plain functions over flat row-major states
 * (a Simulation view of either backend, a copy, or any ArrayLike<number>) and
 * recorded trajectories. Nothing here imports a backend.
 *
 * Re-exports only the public names; helpers marked @internal stay internal.
 */

// Hulls, support functions, diameters (hull.ts, support.ts)
export { hullVertices, hullVerticesLP, hullGeometry, hullPolygon, affineDimension, AFFINE_TOLERANCE } from './hull.js';
export type { HullGeometry, HullLpOptions } from './hull.js';
export { directionBank, supportFunction, diameter, radius, hausdorffHulls } from './support.js';
export type { Diameter } from './support.js';

// Alignment structure (alignment.ts, leaders.ts, strips.ts, s1s2.ts)
export { alignmentRow, neighbourhoods, neighbourhoodSizes, DEFAULT_TIE_TOLERANCE } from './alignment.js';
export type { MatrixLike, StateLike, Gap, NeighbourhoodOptions, Neighbourhoods } from './alignment.js';
export { leaders, strictLeaders, afzLeaders, attractors } from './leaders.js';
export type { AttractorOptions } from './leaders.js';
export { strip, stripLines2d } from './strips.js';
export type { StripOptions, Strip, Line2d, StripLines2d } from './strips.js';
export { s1s2AtState, s1s2ByEmergence, s1s2ByLimit } from './s1s2.js';
export type { S1S2, S1S2StateOptions, S1S2AtState, S1S2EmergenceOptions } from './s1s2.js';

// Clusters, limits, convergence (clusters.ts, limits.ts)
export { clusters, sphereClusters, distinctPoints } from './clusters.js';
export type { Clusters } from './clusters.js';
export { limitClasses, distinctLimitPoints, convergence, finiteTimeCheck, LIMIT_KIND, DECAY_STATUS } from './limits.js';
export type {
  LimitClasses, LimitOptions, FacePosition, Convergence, ConvergenceOptions, FiniteTimeOptions, FiniteTimeReport, Arrival,
} from './limits.js';

// Trajectories, quiescent sets, energies (trajectory.ts, quiescent.ts, energies.ts)
export { Recorder, snapshot, tokenPath } from './trajectory.js';
export type { Trajectory, Steppable, RecorderOptions } from './trajectory.js';
export { quiescentReport, oneStepCertificate, certificateLog } from './quiescent.js';
export type {
  QuiescentOptions, QuiescentReport, CentreReport, BallEntry, CertificateOptions, Certificate, CertificateLogOptions, CertificateLog,
} from './quiescent.js';
export { energySeries, monotonicity, lyapunovReport } from './energies.js';
export type { EnergyOptions, EnergySeries, Monotonicity, Rise, CandidateReport, LyapunovReport } from './energies.js';
export { linearFit } from './fit.js';
export type { LineFit } from './fit.js';

// Frank–Wolfe and Markov-chain analysis (cells.ts, frankwolfe.ts, metastability.ts)
export { cellLabels, voronoiLabels, ownsCell, cellGrid } from './cells.js';
export type { Labels, CellOptions, CellGrid, CellGridOptions, GridBounds } from './cells.js';
export { closedFormPSD, closedFormDeviation, nsdEnergyBound, hullDistance, lambdaMax } from './frankwolfe.js';
export type { ClosedFormPSD, ClosedFormOptions, ClosedFormDeviation, NsdBoundReport, NsdViolation, HullDistance } from './frankwolfe.js';
export { exitTimes, firstMoves, kgonExitLaw, geometricCdf, geometricQuantile, summarizeExits } from './metastability.js';
export type { ExitTimes, ExitTimeOptions, FirstMoves, FirstMoveOptions, KgonExitLaw, ExitSummary, Groups, StateStream } from './metastability.js';

// Sphere models (sphere.ts, linalg.ts)
export { sphereField, sphereFieldNorm, classifyEquilibrium, tangentJacobian, jacobianSpectrum } from './sphere.js';
export type {
  SphereVariant, SphereModelOptions, SphereFieldOptions, EquilibriumClass, EquilibriumClassification, TangentJacobian,
  JacobianSpectrum, UnstableDirection,
} from './sphere.js';
export { symmetricEigen, realEigenvalues } from './linalg.js';
