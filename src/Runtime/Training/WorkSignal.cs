using System.Diagnostics;
using System.Threading;

namespace Compiled.Training
{
    /// <summary>
    /// How the training threads hand work to their workers: the poster bumps a generation number; a worker waits for it
    /// to change by spinning for up to 0.2 ms (jobs follow each other within microseconds while training), then sleeps
    /// on a monitor until the next job or <see cref="Stop"/>. Nothing is allocated.
    /// </summary>
    internal sealed class WorkSignal
    {
        private const long SpinNanosecondsBeforeSleeping = 200_000;

        private readonly object _gate = new();
        private int _generation;
        private int _parked;
        private bool _stopping;

        /// <summary>The current generation; a worker passes what it last saw to <see cref="Wait"/>.</summary>
        public int Generation => Volatile.Read(ref _generation);

        /// <summary>True once <see cref="Stop"/> was called: the workers return.</summary>
        public bool Stopping => Volatile.Read(ref _stopping);

        /// <summary>Publishes a job (everything written before this call is visible to the workers) and wakes sleeping workers.</summary>
        public void Post()
        {
            // A full fence before the parked count is read; a parking worker counts itself (a full fence) before it
            // looks at the generation again under the lock, so a job is never missed.
            Interlocked.Increment(ref _generation);
            if (Volatile.Read(ref _parked) > 0)
            {
                lock (_gate)
                {
                    Monitor.PulseAll(_gate);
                }
            }
        }

        /// <summary>Tells every worker to return from its loop.</summary>
        public void Stop()
        {
            Volatile.Write(ref _stopping, true);
            Interlocked.Increment(ref _generation);
            lock (_gate)
            {
                Monitor.PulseAll(_gate);
            }
        }

        /// <summary>Waits until the generation differs from <paramref name="seen"/>; returns the new generation.</summary>
        /// <param name="seen">The generation of the last job this worker ran.</param>
        /// <returns>The generation now.</returns>
        public int Wait(int seen)
        {
            long start = Stopwatch.GetTimestamp();
            long spinTicks = SpinNanosecondsBeforeSleeping * Stopwatch.Frequency / 1_000_000_000;
            int spins = 0;
            while (Volatile.Read(ref _generation) == seen)
            {
                if (Stopwatch.GetTimestamp() - start < spinTicks)
                {
                    Pause(ref spins);
                    continue;
                }

                lock (_gate)
                {
                    Interlocked.Increment(ref _parked);
                    while (Volatile.Read(ref _generation) == seen)
                    {
                        Monitor.Wait(_gate);
                    }

                    Interlocked.Decrement(ref _parked);
                }

                start = Stopwatch.GetTimestamp();
            }

            return Volatile.Read(ref _generation);
        }

        /// <summary>
        /// One step of a busy wait: the waits between training threads last microseconds, so spin with the CPU's pause
        /// instruction rather than yield (a yield costs about as much as the wait); yield once in a while in case the
        /// other thread was preempted.
        /// </summary>
        /// <param name="spins">The caller's count of steps, starting at 0.</param>
        public static void Pause(ref int spins)
        {
            if ((++spins & 1023) == 0)
            {
                Thread.Yield();
            }
            else
            {
                Thread.SpinWait(4);
            }
        }
    }
}
