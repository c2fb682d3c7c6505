import { describe, expect, it } from 'vitest';
import { readmeSummary } from '../../../src/elements/readme.js';
import { editDistance, closestName } from '../../../src/elements/did-you-mean.js';

describe('readmeSummary', () => {
  it.each([
    ['==\nvm\n==\nSets up a partitioned disk (rather than\none filesystem).\n', 'Sets up a partitioned disk (rather than'],
    ['debian\n======\n\nThis element is based on ``debian-minimal``.\n', 'This element is based on debian-minimal.'],
    ['# my-element\n\nInstalls `foo`.\n', 'Installs foo.'],
    ['.. _anchor:\n\n=====\ntitle\n=====\n\n.. element_deps::\n\nText here.\n', 'Text here.'],
    ['Just a line\n', 'Just a line'],
    ['=====\ntitle\n=====\n', undefined],
  ])('summarises %j as %j', (text, expected) => {
    expect(readmeSummary(text)).toBe(expected);
  });
});

describe('did you mean', () => {
  it('computes edit distances', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('same', 'same')).toBe(0);
  });

  it('suggests the closest name only when it is plausibly a typo', () => {
    expect(closestName('debain', ['debian', 'ubuntu', 'fedora'])).toBe('debian');
    expect(closestName('serial-console', ['enable-serial-console', 'vm'])).toBe(undefined);
    expect(closestName('xyz', ['debian'])).toBe(undefined);
  });
});
