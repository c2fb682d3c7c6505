/**
 * Every tsdib command, in the order `tsdib --help` lists them. Each entry adds one yargs command.
 */
import type { Argv } from 'yargs';
import { blockDeviceCommand } from './block-device.js';
import { bootCommand } from './boot.js';
import { buildCommand } from './build.js';
import { cacheCommand } from './cache.js';
import { cleanupCommand } from './cleanup.js';
import { completionCommand } from './completion.js';
import { doctorCommand } from './doctor.js';
import { elementCommand } from './element-new.js';
import { elementsCommand } from './elements.js';
import { fleetCommand } from './fleet.js';
import { lintElementsCommand } from './lint-elements.js';
import { planCommand } from './plan.js';
import { pullCommand } from './pull.js';
import { pushCommand } from './push.js';
import { testCommand } from './test.js';
import { workerCommand } from './worker.js';

export type CommandModule = (cli: Argv) => Argv;

export const COMMANDS: CommandModule[] = [buildCommand, planCommand, elementsCommand, doctorCommand, blockDeviceCommand, cleanupCommand, cacheCommand, elementCommand, lintElementsCommand, pushCommand, pullCommand, fleetCommand, workerCommand, bootCommand, testCommand, completionCommand];
