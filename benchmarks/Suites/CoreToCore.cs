using System;
using System.Numerics;
using System.Threading;
using BenchmarkDotNet.Attributes;

namespace Compiled.Benchmarks.Suites
{
    /// <summary>
    /// What it costs to hand a buffer the size of Mlp's parameters (101,770 floats, about 400 KB) from one core to the
    /// other: the floor under every data-parallel training step, which must move the updated parameters and the
    /// gradients between the threads once per batch. <see cref="Local"/> writes and then reads the buffer on this thread;
    /// <see cref="OtherCoreWritesThisCoreReads"/> has a partner thread (which spins on the other core) write it, then
    /// reads it here. Not a product benchmark: it explains the two-thread row of <see cref="MlpEpoch"/>.
    /// </summary>
    public class CoreToCore
    {
        /// <summary>Floats handed over: the parameter count of Mlp (784-128-10).</summary>
        public const int Floats = (784 * 128) + 128 + (128 * 10) + 10;

        private float[] _buffer = null!;
        private Thread _partner = null!;
        private int _turn; // 0: this thread's turn, 1: the partner's, 2: stop
        private float _value;

        [GlobalSetup]
        public void Setup()
        {
            _buffer = new float[Floats];
            _partner = new Thread(Partner) { IsBackground = true, Name = "CoreToCore partner" };
            _partner.Start();
        }

        [GlobalCleanup]
        public void Cleanup()
        {
            Volatile.Write(ref _turn, 2);
            _partner.Join();
        }

        /// <summary>This thread writes the buffer, then reads it back (both in its own cache).</summary>
        [Benchmark(Baseline = true)]
        public float Local()
        {
            _buffer.AsSpan().Fill(++_value);
            return Sum(_buffer);
        }

        /// <summary>The partner writes the buffer on the other core; this thread then reads it.</summary>
        [Benchmark]
        public float OtherCoreWritesThisCoreReads()
        {
            Volatile.Write(ref _turn, 1);
            while (Volatile.Read(ref _turn) == 1)
            {
            }

            return Sum(_buffer);
        }

        private void Partner()
        {
            float value = 0;
            while (true)
            {
                int turn = Volatile.Read(ref _turn);
                if (turn == 2)
                {
                    return;
                }

                if (turn == 1)
                {
                    _buffer.AsSpan().Fill(++value);
                    Volatile.Write(ref _turn, 0);
                }
            }
        }

        private static float Sum(float[] buffer)
        {
            var total = Vector<float>.Zero;
            ReadOnlySpan<float> values = buffer;
            int i = 0;
            for (; i + Vector<float>.Count <= values.Length; i += Vector<float>.Count)
            {
                total += new Vector<float>(values.Slice(i));
            }

            float sum = Vector.Sum(total);
            for (; i < values.Length; i++)
            {
                sum += values[i];
            }

            return sum;
        }
    }
}
