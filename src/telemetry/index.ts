export { Counter, Gauge, Histogram, Registry, type GaugeSample } from './registry.js';
