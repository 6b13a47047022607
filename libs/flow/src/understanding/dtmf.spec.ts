import { describe, expect, it } from 'vitest';
import type { ChoiceValue } from '../schema/index.js';
import { interpretDtmf } from './dtmf.js';

describe('interpretDtmf', () => {
  it('reads 1 as yes and 2 as no', () => {
    expect(interpretDtmf('1', { type: 'yes_no' })).toEqual({ value: true });
    expect(interpretDtmf('2', { type: 'yes_no' })).toEqual({ value: false });
    expect(interpretDtmf('1#', { type: 'yes_no' })).toEqual({ value: true });
    expect(interpretDtmf('3', { type: 'yes_no' })).toBeUndefined();
    expect(interpretDtmf('12', { type: 'yes_no' })).toBeUndefined();
  });

  describe('choice', () => {
    const values: ChoiceValue[] = [
      { id: 'confirm', label: 'Confirm' },
      { id: 'reschedule', label: 'Reschedule' },
      { id: 'cancel', label: 'Cancel', dtmf: '9' },
    ];
    it.each([
      ['1', 'confirm'],
      ['2', 'reschedule'],
      ['9', 'cancel'],
      ['2#', 'reschedule'],
    ])('key %s → %s', (keys, id) => {
      expect(interpretDtmf(keys, { type: 'choice', values })).toEqual({ value: id });
    });

    it.each(['3', '4', '0', '*', ''])('key "%s" picks nothing', (keys) => {
      // 3 is the position of a value with its own key
      expect(interpretDtmf(keys, { type: 'choice', values })).toBeUndefined();
    });

    it('lets an explicit key win over a position', () => {
      const swapped: ChoiceValue[] = [
        { id: 'a', label: 'A', dtmf: '2' },
        { id: 'b', label: 'B' },
      ];
      expect(interpretDtmf('2', { type: 'choice', values: swapped })).toEqual({ value: 'a' });
      expect(interpretDtmf('1', { type: 'choice', values: swapped })).toBeUndefined();
    });
  });

  it('reads numbers, with * as the decimal point', () => {
    expect(interpretDtmf('42', { type: 'number' })).toEqual({ value: 42 });
    expect(interpretDtmf('3*5#', { type: 'number' })).toEqual({ value: 3.5 });
    expect(interpretDtmf('007', { type: 'number' })).toEqual({ value: 7 });
    expect(interpretDtmf('1#2', { type: 'number' })).toBeUndefined();
  });

  it('keeps digits as a string, leading zeros included', () => {
    expect(interpretDtmf('0042#', { type: 'digits' })).toEqual({ value: '0042' });
    expect(interpretDtmf('12*3', { type: 'digits' })).toBeUndefined();
  });

  it('reads a phone number as E.164', () => {
    expect(interpretDtmf('4155550134', { type: 'phone' })).toEqual({ value: '+14155550134' });
    expect(interpretDtmf('02079460958', { type: 'phone' }, 'GB')).toEqual({ value: '+442079460958' });
    expect(interpretDtmf('123', { type: 'phone' })).toBeUndefined();
  });

  it('passes text through, and takes no dates', () => {
    expect(interpretDtmf('12*#', { type: 'text' })).toEqual({ value: '12*' });
    expect(interpretDtmf('0310', { type: 'date' })).toBeUndefined();
    expect(interpretDtmf('1500', { type: 'time' })).toBeUndefined();
    expect(interpretDtmf('#', { type: 'text' })).toBeUndefined();
  });
});
