using System;
using System.Buffers.Binary;

namespace Compiled.Serialization
{
    /// <summary>
    /// CRC-32 as used by zlib, gzip and PNG (IEEE 802.3: reflected polynomial <c>0xEDB88320</c>, initial value and final
    /// XOR <c>0xFFFFFFFF</c>); <c>"123456789"</c> gives <c>0xCBF43926</c>. Slicing-by-8, no allocation after start-up.
    /// </summary>
    internal struct Crc32
    {
        private static readonly uint[] Table = BuildTable();

        private uint _state;
        private bool _started;

        /// <summary>The CRC of every byte appended so far.</summary>
        public readonly uint Value => _started ? ~_state : 0u;

        /// <summary>Computes the CRC of <paramref name="data"/> in one call.</summary>
        public static uint Compute(ReadOnlySpan<byte> data)
        {
            var crc = default(Crc32);
            crc.Append(data);
            return crc.Value;
        }

        /// <summary>Adds <paramref name="data"/> to the checksum.</summary>
        public void Append(ReadOnlySpan<byte> data)
        {
            if (!_started)
            {
                _state = 0xFFFFFFFFu;
                _started = true;
            }

            uint crc = _state;
            uint[] table = Table;
            while (data.Length >= 8)
            {
                uint one = BinaryPrimitives.ReadUInt32LittleEndian(data) ^ crc;
                uint two = BinaryPrimitives.ReadUInt32LittleEndian(data.Slice(4));
                crc = table[(7 * 256) + (one & 0xFF)]
                    ^ table[(6 * 256) + ((one >> 8) & 0xFF)]
                    ^ table[(5 * 256) + ((one >> 16) & 0xFF)]
                    ^ table[(4 * 256) + (one >> 24)]
                    ^ table[(3 * 256) + (two & 0xFF)]
                    ^ table[(2 * 256) + ((two >> 8) & 0xFF)]
                    ^ table[256 + ((two >> 16) & 0xFF)]
                    ^ table[two >> 24];
                data = data.Slice(8);
            }

            foreach (byte b in data)
            {
                crc = table[(crc ^ b) & 0xFF] ^ (crc >> 8);
            }

            _state = crc;
        }

        private static uint[] BuildTable()
        {
            var table = new uint[8 * 256];
            for (uint i = 0; i < 256; i++)
            {
                uint c = i;
                for (int k = 0; k < 8; k++)
                {
                    c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
                }

                table[i] = c;
            }

            for (int slice = 1; slice < 8; slice++)
            {
                for (int i = 0; i < 256; i++)
                {
                    uint previous = table[((slice - 1) * 256) + i];
                    table[(slice * 256) + i] = table[previous & 0xFF] ^ (previous >> 8);
                }
            }

            return table;
        }
    }
}
