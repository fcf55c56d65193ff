/**
 * The analysis layer (SPEC.md §3): plain functions over flat row-major states
 * (a Simulation view of either backend, a copy, or any ArrayLike<number>) and
 * recorded trajectories. Nothing here imports a backend.
 *
 * Re-exports only the public names; helpers marked @internal stay internal.
 *
 * Folders, one per idea (imports point geometry <- attention <- dynamics, and
 * sphere/ uses them; state.ts and tolerance.ts are below all):
 *   geometry/   hulls (hull, hull2d, hull3d, extreme), nearest points, support
 *               functions, linear algebra, power-of-two scaling
 *   attention/  who attends to whom: alignment rows and neighbourhoods,
 *               leaders, strips, S1/S2, clusters, Frank–Wolfe cells
 *   dynamics/   over time: trajectories (Recorder), limits and decay rates,
 *               quiescent sets, energies, metastability, the Frank–Wolfe
 *               limit's closed form, line fits
 *   sphere/     equilibria of the continuous-time sphere models
 *   tolerance.ts  ulp, SPEC §4's default tol, the largest norm (shared)
 */

// Hulls, support functions, diameters (geometry/)
export { hullVertices, hullVerticesLP, hullGeometry, hullPolygon, affineDimension, AFFINE_TOLERANCE } from './geometry/hull.js';
export type { HullGeometry, HullLpOptions } from './geometry/hull.js';
export { directionBank, supportFunction, diameter, radius, hausdorffHulls } from './geometry/support.js';
export type { Diameter } from './geometry/support.js';

// Alignment structure (attention/)
export { alignmentRow, neighbourhoods, neighbourhoodSizes, DEFAULT_TIE_TOLERANCE } from './attention/alignment.js';
export type { MatrixLike, StateLike, Gap, NeighbourhoodOptions, Neighbourhoods } from './attention/alignment.js';
export { leaders, strictLeaders, afzLeaders, attractors } from './attention/leaders.js';
export type { AttractorOptions } from './attention/leaders.js';
export { strip, stripLines2d } from './attention/strips.js';
export type { StripOptions, Strip, Line2d, StripLines2d } from './attention/strips.js';
export { s1s2AtState, s1s2ByEmergence, s1s2ByLimit } from './attention/s1s2.js';
export type { S1S2, S1S2StateOptions, S1S2AtState, S1S2EmergenceOptions } from './attention/s1s2.js';

// Clusters, limits, convergence (attention/clusters.ts, dynamics/limits.ts)
export { clusters, sphereClusters, distinctPoints } from './attention/clusters.js';
export type { Clusters } from './attention/clusters.js';
export { limitClasses, distinctLimitPoints, convergence, finiteTimeCheck, LIMIT_KIND, DECAY_STATUS } from './dynamics/limits.js';
export type {
  LimitClasses, LimitOptions, FacePosition, Convergence, ConvergenceOptions, FiniteTimeOptions, FiniteTimeReport, Arrival,
} from './dynamics/limits.js';

// Trajectories, quiescent sets, energies (dynamics/)
export { Recorder, snapshot, tokenPath } from './dynamics/trajectory.js';
export type { Trajectory, Steppable, RecorderOptions } from './dynamics/trajectory.js';
export { quiescentReport, oneStepCertificate, certificateLog } from './dynamics/quiescent.js';
export type {
  QuiescentOptions, QuiescentReport, CentreReport, BallEntry, CertificateOptions, Certificate, CertificateLogOptions, CertificateLog,
} from './dynamics/quiescent.js';
export { energySeries, monotonicity, lyapunovReport } from './dynamics/energies.js';
export type { EnergyOptions, EnergySeries, Monotonicity, Rise, CandidateReport, LyapunovReport } from './dynamics/energies.js';
export { linearFit } from './dynamics/fit.js';
export type { LineFit } from './dynamics/fit.js';

// Frank–Wolfe and Markov-chain analysis (attention/cells.ts, dynamics/frankwolfe.ts, dynamics/metastability.ts)
export { cellLabels, voronoiLabels, ownsCell, cellGrid } from './attention/cells.js';
export type { Labels, CellOptions, CellGrid, CellGridOptions, GridBounds } from './attention/cells.js';
export { closedFormPSD, closedFormDeviation, nsdEnergyBound, hullDistance, lambdaMax } from './dynamics/frankwolfe.js';
export type { ClosedFormPSD, ClosedFormOptions, ClosedFormDeviation, NsdBoundReport, NsdViolation, HullDistance } from './dynamics/frankwolfe.js';
export { exitTimes, firstMoves, kgonExitLaw, geometricCdf, geometricQuantile, summarizeExits } from './dynamics/metastability.js';
export type { ExitTimes, ExitTimeOptions, FirstMoves, FirstMoveOptions, KgonExitLaw, ExitSummary, Groups, StateStream } from './dynamics/metastability.js';

// Sphere models (sphere/, geometry/linalg.ts)
export { sphereField, sphereFieldNorm, classifyEquilibrium, tangentJacobian, jacobianSpectrum } from './sphere/sphere.js';
export type {
  SphereVariant, SphereModelOptions, SphereFieldOptions, EquilibriumClass, EquilibriumClassification, TangentJacobian,
  JacobianSpectrum, UnstableDirection,
} from './sphere/sphere.js';
export { symmetricEigen, realEigenvalues } from './geometry/linalg.js';
