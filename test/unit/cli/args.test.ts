/**
 * The tshark-style option parser: getopt clustering and attached arguments, tshark's defaults, -E
 * option values (checked against tshark 4.0.17 by hand: separator/aggregator take the first character,
 * `/t` `/s` are tab and space, any other `/x` is a backslash), trailing words as a read filter, and
 * tshark's error words and exit codes.
 */
import { describe, expect, it } from 'vitest';
import { parseArgs, type CliOptions } from '../../../src/main/cli/args';

function ok(argv: string[]): CliOptions {
  const r = parseArgs(argv);
  if (!r.ok) throw new Error(`expected success, got ${r.error.lines.join(' / ')}`);
  return r.options;
}

function err(argv: string[]): { first: string; usage: boolean; exitCode: number } {
  const r = parseArgs(argv);
  if (r.ok) throw new Error('expected an error');
  return { first: r.error.lines[0], usage: r.error.usage, exitCode: r.error.exitCode };
}

describe('parseArgs', () => {
  it('has tshark defaults', () => {
    const o = ok(['-r', 'f.pcap']);
    expect(o.readFile).toBe('f.pcap');
    expect(o.outputFormat).toBe('text');
    expect(o.writeFormat).toBe('pcapng');
    expect(o.fieldsOptions).toEqual({ separator: '\t', header: false, occurrence: 'a', aggregator: ',', quote: '', bom: false });
    expect(o.count).toBeUndefined();
    expect(o.twoPass).toBe(false);
  });

  it('accepts clustered flags, attached arguments and arguments that start with a dash', () => {
    const o = ok(['-nVxr', 'f.pcap', '-c5', '-Y', '-1 == 1']);
    expect(o).toMatchObject({ noResolve: true, verbose: true, hex: true, readFile: 'f.pcap', count: 5, displayFilter: '-1 == 1' });
    expect(ok(['-rf.pcap']).readFile).toBe('f.pcap');
    expect(ok(['--read-file=f.pcap', '--display-filter', 'smtp']).displayFilter).toBe('smtp');
  });

  it('collects repeated -e, -o, -d and -z', () => {
    const o = ok(['-r', 'f', '-T', 'fields', '-e', 'frame.number', '-e', '_ws.col.Info', '-o', 'smtp.decryption:TRUE', '-o', 'a.b: x ', '-d', 'tcp.port==2525,SMTP', '-d', 'udp.port==0x35,dns', '-z', 'credentials']);
    expect(o.fields).toEqual(['frame.number', '_ws.col.Info']);
    expect(o.prefs).toEqual([
      { name: 'smtp.decryption', value: 'TRUE', raw: 'smtp.decryption:TRUE' },
      { name: 'a.b', value: 'x', raw: 'a.b: x ' },
    ]);
    expect(o.decodeAs).toEqual([
      { table: 'tcp.port', selector: '2525', proto: 'SMTP', singleEquals: false, raw: 'tcp.port==2525,SMTP' },
      { table: 'udp.port', selector: '0x35', proto: 'dns', singleEquals: false, raw: 'udp.port==0x35,dns' },
    ]);
    expect(o.stats).toEqual(['credentials']);
  });

  it('parses -E options as tshark 4.0 does', () => {
    const fo = (args: string[]) => ok(['-r', 'f', '-T', 'fields', '-e', 'x', ...args.flatMap((a) => ['-E', a])]).fieldsOptions;
    expect(fo(['separator=/t']).separator).toBe('\t');
    expect(fo(['separator=/s']).separator).toBe(' ');
    expect(fo(['separator=,']).separator).toBe(',');
    expect(fo(['separator=ab']).separator).toBe('a');
    expect(fo(['separator=/x']).separator).toBe('\\');
    expect(fo(['aggregator=/s']).aggregator).toBe(' ');
    expect(fo(['aggregator=/t']).aggregator).toBe('\\');
    expect(fo(['aggregator=;']).aggregator).toBe(';');
    expect(fo(['quote=d']).quote).toBe('"');
    expect(fo(['quote=s']).quote).toBe("'");
    expect(fo(['quote=n']).quote).toBe('');
    expect(fo(['header=y', 'bom=y'])).toMatchObject({ header: true, bom: true });
    expect(fo(['occurrence=f']).occurrence).toBe('f');
    expect(fo(['occurrence=l']).occurrence).toBe('l');
    // a word without "=" is ignored by tshark
    expect(fo(['separator']).separator).toBe('\t');
    for (const bad of ['occurrence=2', 'quote=x', 'header=x', 'aggregator=', 'foo=bar']) {
      const e = err(['-r', 'f', '-E', bad]);
      expect(e.first).toBe(`"${bad.split('=')[0]}" is not a valid field output option=value pair.`);
      expect(e.exitCode).toBe(1);
    }
  });

  it('turns the words after the options into a read filter, options included', () => {
    expect(ok(['-r', 'f', 'tcp', 'port', '-c', '1']).readFilter).toBe('tcp port -c 1');
    expect(ok(['-r', 'f', '--', '-c']).readFilter).toBe('-c');
    expect(err(['-r', 'f', '-2', '-R', 'tcp', 'udp']).first).toBe(
      'Read filters were specified both with "-R" and with additional command-line arguments.',
    );
  });

  it('reports packet count errors in tshark words', () => {
    expect(err(['-r', 'f', '-c', 'abc']).first).toBe('The specified packet count "abc" isn\'t a decimal number');
    expect(err(['-r', 'f', '-c', '-1']).first).toBe('The specified packet count "-1" is a negative number');
    expect(err(['-r', 'f', '-c', '0']).first).toBe('The specified packet count is zero');
  });

  it('reports unknown options and missing arguments with the usage text (exit 1)', () => {
    expect(err(['-r', 'f', '--bogus'])).toEqual({ first: 'unrecognized option: bogus', usage: true, exitCode: 1 });
    expect(err(['-r', 'f', '-Z'])).toEqual({ first: 'unrecognized option: Z', usage: true, exitCode: 1 });
    expect(err(['-r'])).toEqual({ first: 'option requires an argument: r', usage: true, exitCode: 1 });
    expect(err(['-r', 'f', '-Y'])).toEqual({ first: 'option requires an argument: Y', usage: true, exitCode: 1 });
    expect(err(['-V']).usage).toBe(true);
  });

  it('checks option combinations as tshark does', () => {
    expect(err(['-r', 'f', '-R', 'tcp']).first).toBe('-R without -2 is deprecated. For single-pass filtering use -Y.');
    expect(ok(['-r', 'f', '-2', '-R', 'tcp']).readFilter).toBe('tcp');
    expect(err(['-r', 'f', '-T', 'fields']).first).toBe('"-Tfields" was specified, but no fields were specified with "-e".');
    expect(err(['-r', 'f', '-e', 'ip.src']).first).toBe('Output fields were specified with "-e", but "-Tek, -Tfields, -Tjson or -Tpdml" was not specified.');
    expect(err(['-r', 'f', '-T', 'pdml']).first).toBe('Invalid -T parameter "pdml"; it must be one of:');
    expect(err(['-r', 'f', '-w', 'o', '-F', 'erf']).first).toBe('"erf" isn\'t a valid capture file type');
    expect(err(['-r', 'f', '-o', 'nocolon']).first).toBe('Invalid -o flag "nocolon"');
    expect(err(['-r', 'f', '-d', 'tcp.port==25']).first).toBe(
      'Parameter "tcp.port==25" doesn\'t follow the template "<layer_type>==<selector>,<decode_as_protocol>"',
    );
  });

  it('parses the live capture options as tshark does', () => {
    const o = ok(['-i', 'lo', '-f', 'udp port 53', '-a', 'duration:1.5', '-a', 'packets:10', '-c', '5', '-w', 'x.pcapng', '-a', 'filesize:100']);
    expect(o).toMatchObject({ iface: 'lo', captureFilter: 'udp port 53', count: 5, writeFile: 'x.pcapng', autostop: { duration: 1.5, packets: 10, filesize: 100 } });
    expect(ok(['--interface=3', '--autostop', 'duration:0']).autostop).toEqual({ duration: 0 });
    expect(ok(['-D']).listInterfaces).toBe(true);
    expect(ok(['--list-interfaces']).listInterfaces).toBe(true);
    // with -i, the words after the options are the capture filter (with -r, the read filter)
    const words = ok(['-i', 'lo', 'udp', 'port', '53']);
    expect(words.captureFilter).toBe('udp port 53');
    expect(words.readFilter).toBeUndefined();
    expect(err(['-i', 'lo', '-f', 'udp', 'tcp']).first).toBe('A capture filter was specified both with "-f" and with additional command-line arguments.');
  });

  it('reports live capture errors in tshark words', () => {
    expect(err(['-i', 'lo', '-a', 'nocolon']).first).toBe('Invalid or unknown -a flag "nocolon"');
    expect(err(['-i', 'lo', '-a', 'duration:']).first).toBe('Invalid or unknown -a flag "duration:"');
    expect(err(['-i', 'lo', '-a', 'bogus:1']).first).toBe('Invalid or unknown -a flag "bogus:1"');
    expect(err(['-i', 'lo', '-a', 'packets:0']).first).toBe('The specified packet write count is zero');
    expect(err(['-i', 'lo', '-a', 'packets:x']).first).toBe('The specified packet write count "x" isn\'t a decimal number');
    expect(err(['-i', 'lo', '-a', 'packets:-1']).first).toBe('The specified packet write count "-1" is a negative number');
    expect(err(['-i', 'lo', '-w', 'f', '-a', 'filesize:0']).first).toBe('The specified autostop filesize is zero');
    expect(err(['-i', 'lo', '-a', 'duration:-1']).first).toBe('The specified autostop duration "-1" is a negative number');
    expect(err(['-i', 'lo', '-2']).first).toBe('Live captures do not support two-pass analysis.');
    expect(err(['-i', 'lo', '-w', 'f', '-Y', 'udp']).first).toBe("Display filters aren't supported when capturing and saving the captured packets.");
    expect(err(['-i', 'lo', '-a', 'filesize:10']).first).toBe("Maximum capture file size specified, but capture isn't being saved to a file.");
    expect(err(['-r', 'f', '-f', 'udp']).first).toBe('Only read filters, not capture filters, can be specified when reading a capture file.');
    expect(err(['-r', 'f', '-a', 'duration:1']).first).toBe("A maximum capture time was specified, but a capture isn't being done.");
    expect(err(['-r', 'f', '-i', 'lo'])).toEqual({
      first: '"-r" and "-i" were both specified: read a capture file or capture on an interface, not both.',
      usage: false,
      exitCode: 1,
    });
  });

  it('accepts -h and -v without a file', () => {
    expect(ok(['-h']).help).toBe(true);
    expect(ok(['--version']).version).toBe(true);
  });

  it('-O turns on -V and lists protocols', () => {
    expect(ok(['-r', 'f', '-O', 'ip,TCP']).onlyProtocols).toEqual(['ip', 'tcp']);
  });
});
