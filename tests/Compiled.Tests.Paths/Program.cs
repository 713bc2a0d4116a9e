using System;
using System.Runtime.Intrinsics;
using Compiled.Tests.Checks;
using Compiled.Tests.Networks;

// Runs every end-to-end check on whichever SIMD path this process has; exit code 0 when all pass.
// With --kernels, runs the runtime kernels' checks (Compiled.Runtime.Tests/Kernels) instead; with --activation-bits,
// prints a hash of each SIMD activation's results over a sweep of inputs.
string path = Vector512.IsHardwareAccelerated ? "512-bit" : Vector256.IsHardwareAccelerated ? "256-bit" : Vector128.IsHardwareAccelerated ? "128-bit" : "software";
Console.WriteLine($"SIMD path: {path}");
int failures = 0;
if (args.Length > 0 && args[0] == "--activation-bits")
{
    // One hash per activation of its results at the widest vector width over a sweep of float bit patterns (every
    // 4,099th, all signs, exponents, NaN and infinities): equal hashes on two paths mean equal bits.
    foreach ((string name, Func<Vector128<float>, Vector128<float>> f128, Func<Vector256<float>, Vector256<float>> f256, Func<Vector512<float>, Vector512<float>> f512) in new (string, Func<Vector128<float>, Vector128<float>>, Func<Vector256<float>, Vector256<float>>, Func<Vector512<float>, Vector512<float>>)[]
    {
        ("Sigmoid", Compiled.SimdMath.Sigmoid, Compiled.SimdMath.Sigmoid, Compiled.SimdMath.Sigmoid),
        ("Tanh", Compiled.SimdMath.Tanh, Compiled.SimdMath.Tanh, Compiled.SimdMath.Tanh),
        ("Softplus", Compiled.SimdMath.Softplus, Compiled.SimdMath.Softplus, Compiled.SimdMath.Softplus),
        ("Silu", Compiled.SimdMath.Silu, Compiled.SimdMath.Silu, Compiled.SimdMath.Silu),
        ("Gelu", Compiled.SimdMath.Gelu, Compiled.SimdMath.Gelu, Compiled.SimdMath.Gelu),
    })
    {
        ulong hash = 14695981039346656037;
        var x = new float[16];
        var y = new float[16];
        for (long bits = 0; bits < (1L << 32); bits += 4099 * 16L)
        {
            for (int i = 0; i < 16; i++)
            {
                x[i] = BitConverter.Int32BitsToSingle((int)(uint)(bits + (i * 4099L)));
            }

            if (Vector512.IsHardwareAccelerated)
            {
                f512(Vector512.Create<float>(x)).CopyTo(y);
            }
            else if (Vector256.IsHardwareAccelerated)
            {
                f256(Vector256.Create<float>(x.AsSpan(0, 8))).CopyTo(y);
                f256(Vector256.Create<float>(x.AsSpan(8))).CopyTo(y.AsSpan(8));
            }
            else
            {
                for (int i = 0; i < 16; i += 4)
                {
                    f128(Vector128.Create<float>(x.AsSpan(i, 4))).CopyTo(y.AsSpan(i));
                }
            }

            foreach (float value in y)
            {
                hash = (hash ^ BitConverter.SingleToUInt32Bits(value)) * 1099511628211;
            }
        }

        Console.WriteLine($"{name} {hash:X16}");
    }

    return 0;
}

if (args.Length > 0 && args[0] == "--kernels")
{
    foreach ((string name, Action run) in Compiled.Runtime.Tests.Kernels.KernelChecks.All)
    {
        try
        {
            run();
            Console.WriteLine($"  {name}: ok");
        }
        catch (Exception exception)
        {
            failures++;
            Console.WriteLine($"  {name}: FAILED {exception.Message}");
        }
    }

    return failures == 0 ? 0 : 1;
}

foreach (string name in NetworkCases.Names)
{
    try
    {
        NetworkChecks.ForwardMatchesReference(name);
        NetworkChecks.ForwardBatchMatchesReference(name, new[] { 1, 3, 5, 64, 67 });
        NetworkChecks.GradientsMatchFiniteDifferences(name, batch: 6, maxParameters: 120);
        bool split = SplitChecks.PhasesMatchBackwardBatch(name);
        Console.WriteLine($"  {name}: ok{(split ? " (split training too)" : string.Empty)}");
    }
    catch (Exception exception)
    {
        failures++;
        Console.WriteLine($"  {name}: FAILED {exception.Message}");
    }
}

foreach (string name in StreamingChecks.Names)
{
    try
    {
        StreamingChecks.StepsMatchForward(name);
        Console.WriteLine($"  {name} streaming: ok");
    }
    catch (Exception exception)
    {
        failures++;
        Console.WriteLine($"  {name} streaming: FAILED {exception.Message}");
    }
}

return failures == 0 ? 0 : 1;
