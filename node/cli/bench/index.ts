// Every `knhk bench` subcommand, one module each. Add a line here when you add a benchmark.
import type { CommandModule } from '../command.js';
import { simBench } from './sim.js';
import { cryptoBench } from './crypto.js';
import { clusterBench } from './cluster.js';
import { kernelBench } from './kernel.js';

export const benches: CommandModule[] = [cryptoBench, clusterBench, kernelBench, simBench];
