/**
 * The public `schedules` namespace (`import { schedules } from 'attention-dynamics'`):
 * the constructors of δ and γ schedules only. Each returns a plain spec object
 * that `Simulation.create` validates and copies (see schedules.ts, which also
 * holds the internal checkers and evaluators that are not part of the API).
 */
export { constant, power, geometric, piecewise, frankWolfe, expRise, gammaGeometric } from './schedules.js';
