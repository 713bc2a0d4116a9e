using System;
using System.Runtime.Intrinsics;
using Compiled.Tests.Checks;
using Compiled.Tests.Networks;

// Runs every end-to-end check on whichever SIMD path this process has; exit code 0 when all pass.
// With --kernels, runs the runtime kernels' checks (Compiled.Runtime.Tests/Kernels) instead.
string path = Vector512.IsHardwareAccelerated ? "512-bit" : Vector256.IsHardwareAccelerated ? "256-bit" : Vector128.IsHardwareAccelerated ? "128-bit" : "software";
Console.WriteLine($"SIMD path: {path}");
int failures = 0;
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
