import { describe, expect, it } from 'vitest';
import { checkCloudInitDatasources, datasourceProblems } from '../../../src/pipeline/cloud-init-datasources.js';
import { isTsdibError, type TsdibError } from '../../../src/errors.js';

const names = (...n: string[]) => n.map((name) => ({ name }));
function failure(fn: () => void): TsdibError {
  try {
    fn();
  } catch (e) {
    if (isTsdibError(e)) return e;
    throw e;
  }
  throw new Error('no error');
}

describe('datasourceProblems', () => {
  it('accepts DIB-style lists, spaces around commas included', () => {
    expect(datasourceProblems('NoCloud, None')).toEqual([]);
    expect(datasourceProblems('ConfigDrive,OpenStack,Ec2')).toEqual([]);
  });

  it('names each unknown entry, suggests the right case, and refuses empty entries', () => {
    expect(datasourceProblems('NoCloud, CloudDrive')).toEqual(['"CloudDrive" is not a cloud-init data source']);
    expect(datasourceProblems('nocloud')).toEqual(['"nocloud" is not a cloud-init data source: did you mean "NoCloud"? (names are case-sensitive)']);
    expect(datasourceProblems('NoCloud,,None')).toEqual(['entry 2 is empty (names are separated by single commas)']);
  });
});

describe('checkCloudInitDatasources', () => {
  it('is an exit-2 ENV_INVALID naming the bad data source when cloud-init-datasources is in the set', () => {
    const e = failure(() => checkCloudInitDatasources(names('base', 'cloud-init-datasources'), { DIB_CLOUD_INIT_DATASOURCES: 'NoCloud, Bogus' }, 'environment'));
    expect(e.code).toBe('ENV_INVALID');
    expect(e.isBadInput).toBe(true);
    expect(e.message).toContain('DIB_CLOUD_INIT_DATASOURCES="NoCloud, Bogus": "Bogus" is not a cloud-init data source');
    expect(e.context.hint).toContain('NoCloud');
  });

  it('checks a set value for tsdib\'s cloud-init too, and ignores it when no element reads it', () => {
    expect(failure(() => checkCloudInitDatasources(names('cloud-init'), { DIB_CLOUD_INIT_DATASOURCES: 'Bogus' }, 'environment')).message).toContain('"Bogus"');
    expect(() => checkCloudInitDatasources(names('debian', 'vm'), { DIB_CLOUD_INIT_DATASOURCES: 'Bogus' }, 'environment')).not.toThrow();
    expect(() => checkCloudInitDatasources(names('cloud-init'), {}, 'environment.d')).not.toThrow();
  });

  it('needs the variable for cloud-init-datasources once environment.d has been read, not before', () => {
    expect(() => checkCloudInitDatasources(names('cloud-init-datasources'), {}, 'environment')).not.toThrow();
    const e = failure(() => checkCloudInitDatasources(names('cloud-init-datasources'), { DIB_CLOUD_INIT_DATASOURCES: ' ' }, 'environment.d'));
    expect(e.code).toBe('ENV_INVALID');
    expect(e.message).toContain('DIB_CLOUD_INIT_DATASOURCES: empty; the cloud-init-datasources element needs');
    expect(e.context).toMatchObject({ variable: 'DIB_CLOUD_INIT_DATASOURCES', element: 'cloud-init-datasources' });
  });

  it('reports every bad entry at once', () => {
    const e = failure(() => checkCloudInitDatasources(names('cloud-init-datasources'), { DIB_CLOUD_INIT_DATASOURCES: 'Foo, Bar' }, 'environment.d'));
    expect(e.message).toContain('(and 1 more)');
    expect(e.context.details).toEqual(['"Foo" is not a cloud-init data source', '"Bar" is not a cloud-init data source']);
  });
});
