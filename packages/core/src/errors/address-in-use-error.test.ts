import { AddressInUseError } from './address-in-use-error';

describe('AddressInUseError', () => {
  it('names the address and rank, asks about a duplicate task index or another program', () => {
    const e = new AddressInUseError('127.0.0.1:2222', 1, 'another worker holds it and also claims rank 1 of 2');
    expect([e.code, e.name, e.retryable, e.detail]).toEqual([
      'ADDRESS_IN_USE',
      'AddressInUseError',
      false,
      'another worker holds it and also claims rank 1 of 2',
    ]);
    expect(e.message).toBe(
      'Rank 1 cannot listen on 127.0.0.1:2222: the address is already in use (another worker holds it and also claims rank 1 of 2). ' +
        'Is another worker using the same TF_CONFIG task index, or another program holding the port? ' +
        'Give every worker its own task index and address, or stop the program holding the port, then restart every worker.',
    );
    expect(new AddressInUseError('/tmp/r.sock', 0).message).toMatch(/^Rank 0 cannot listen on \/tmp\/r\.sock: the address is already in use\. Is another/);
  });
});
