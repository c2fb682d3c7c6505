/**
 * Every tsdib command, in the order `tsdib --help` lists them. Each entry adds one yargs command.
 */
import type { Argv } from 'yargs';
import { blockDeviceCommand } from './block-device.js';
import { cleanupCommand } from './cleanup.js';
import { doctorCommand } from './doctor.js';
import { elementsCommand } from './elements.js';
import { planCommand } from './plan.js';

export type CommandModule = (cli: Argv) => Argv;

export const COMMANDS: CommandModule[] = [planCommand, elementsCommand, doctorCommand, blockDeviceCommand, cleanupCommand];
