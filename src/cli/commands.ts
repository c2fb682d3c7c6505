/**
 * Every tsdib command, in the order `tsdib --help` lists them. Each entry adds one yargs command.
 */
import type { Argv } from 'yargs';
import { blockDeviceCommand } from './block-device.js';
import { buildCommand } from './build.js';
import { cacheCommand } from './cache.js';
import { cleanupCommand } from './cleanup.js';
import { doctorCommand } from './doctor.js';
import { elementCommand } from './element-new.js';
import { elementsCommand } from './elements.js';
import { lintElementsCommand } from './lint-elements.js';
import { planCommand } from './plan.js';

export type CommandModule = (cli: Argv) => Argv;

export const COMMANDS: CommandModule[] = [buildCommand, planCommand, elementsCommand, doctorCommand, blockDeviceCommand, cleanupCommand, cacheCommand, elementCommand, lintElementsCommand];
