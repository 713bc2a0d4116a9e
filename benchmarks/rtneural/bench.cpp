// Same-machine reference timings of RTNeural's compile-time API (ModelT), batch-1 forward.
// Measurement-only harness; RTNeural headers are a reduced reconstruction in ./RTNeural.
//
// Networks (float32):
//   Xor : 2 -> Dense(4) -> Sigmoid -> Dense(1) -> Sigmoid
//   Game: 16 -> Dense(32) -> Tanh -> Dense(32) -> Tanh -> Dense(4)
//   GRU : GRU(8 -> 16) -> Dense(16 -> 1), one forward() per step, state carried
//   LSTM: LSTM(8 -> 16) -> Dense(16 -> 1), one forward() per step, state carried

#include <xsimd/xsimd.hpp>

// xsimd 8.1 compatibility shim: RTNeural (written against xsimd >= 9) calls
// xsimd::reduce_add, which xsimd 8.1 names xsimd::hadd (same horizontal sum).
#if XSIMD_VERSION_MAJOR < 9
namespace xsimd
{
template <class T, class A>
inline T reduce_add(batch<T, A> const& x) noexcept
{
    return hadd(x);
}
} // namespace xsimd
#endif

#include "RTNeural/RTNeural.h"

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

using namespace RTNeural;

// ---------------------------------------------------------------------------
// deterministic weights in [-0.5, 0.5] (64-bit LCG, top 24 bits)
struct Rng
{
    uint64_t s;
    explicit Rng(uint64_t seed) : s(seed) {}
    float next()
    {
        s = s * 6364136223846793005ULL + 1442695040888963407ULL;
        return (float)((s >> 40) & 0xFFFFFF) / (float)0x1000000 - 0.5f; // [-0.5, 0.5)
    }
    std::vector<float> vec(int n)
    {
        std::vector<float> v((size_t)n);
        for(auto& x : v)
            x = next();
        return v;
    }
    std::vector<std::vector<float>> mat(int rows, int cols)
    {
        std::vector<std::vector<float>> m((size_t)rows);
        for(auto& r : m)
            r = vec(cols);
        return m;
    }
};

// ---------------------------------------------------------------------------
using XorModel = ModelT<float, 2, 1,
    DenseT<float, 2, 4>, SigmoidActivationT<float, 4>,
    DenseT<float, 4, 1>, SigmoidActivationT<float, 1>>;

using GameModel = ModelT<float, 16, 4,
    DenseT<float, 16, 32>, TanhActivationT<float, 32>,
    DenseT<float, 32, 32>, TanhActivationT<float, 32>,
    DenseT<float, 32, 4>>;

using GRUModel = ModelT<float, 8, 1,
    GRULayerT<float, 8, 16>,
    DenseT<float, 16, 1>>;

using LSTMModel = ModelT<float, 8, 1,
    LSTMLayerT<float, 8, 16>,
    DenseT<float, 16, 1>>;

static XorModel xorModel;
static GameModel gameModel;
static GRUModel gruModel;
static LSTMModel lstmModel;

// RTNeural's xsimd ModelT::forward does xsimd::load_aligned on the input in whole
// SIMD batches, so inputs must be 64-byte aligned and zero-padded to a batch multiple.
alignas(64) static float inXor[2][64];
alignas(64) static float inGame[2][64];
alignas(64) static float inSeq[2][64];

// weights kept for the scalar reference check
struct DenseW { std::vector<std::vector<float>> w; std::vector<float> b; }; // w[out][in]
struct GRUW { std::vector<std::vector<float>> W, U, B; }; // W[in][3o], U[o][3o], B[2][3o]
struct LSTMW { std::vector<std::vector<float>> W, U; std::vector<float> B; }; // W[in][4o], U[o][4o], B[4o]
static DenseW xd0, xd1, gd0, gd1, gd2, grud, lstmd;
static GRUW gruw;
static LSTMW lstmw;

static DenseW makeDense(Rng& rng, int in, int out) { DenseW d; d.w = rng.mat(out, in); d.b = rng.vec(out); return d; }
template <typename DenseType>
static void setDense(DenseType& d, const DenseW& w) { d.setWeights(w.w); d.setBias(w.b.data()); }

static void initAll()
{
    Rng rng(0x5EED1234ULL);
    xd0 = makeDense(rng, 2, 4);
    xd1 = makeDense(rng, 4, 1);
    gd0 = makeDense(rng, 16, 32);
    gd1 = makeDense(rng, 32, 32);
    gd2 = makeDense(rng, 32, 4);
    gruw.W = rng.mat(8, 48); gruw.U = rng.mat(16, 48); gruw.B = rng.mat(2, 48);
    grud = makeDense(rng, 16, 1);
    lstmw.W = rng.mat(8, 64); lstmw.U = rng.mat(16, 64); lstmw.B = rng.vec(64);
    lstmd = makeDense(rng, 16, 1);

    setDense(xorModel.get<0>(), xd0);
    setDense(xorModel.get<2>(), xd1);
    setDense(gameModel.get<0>(), gd0);
    setDense(gameModel.get<2>(), gd1);
    setDense(gameModel.get<4>(), gd2);
    gruModel.get<0>().setWVals(gruw.W);
    gruModel.get<0>().setUVals(gruw.U);
    gruModel.get<0>().setBVals(gruw.B);
    setDense(gruModel.get<1>(), grud);
    lstmModel.get<0>().setWVals(lstmw.W);
    lstmModel.get<0>().setUVals(lstmw.U);
    lstmModel.get<0>().setBVals(lstmw.B);
    setDense(lstmModel.get<1>(), lstmd);

    for(int k = 0; k < 2; ++k)
    {
        for(int i = 0; i < 2; ++i)
            inXor[k][i] = rng.next();
        for(int i = 0; i < 16; ++i)
            inGame[k][i] = rng.next();
        for(int i = 0; i < 8; ++i)
            inSeq[k][i] = rng.next();
    }

    xorModel.reset();
    gameModel.reset();
    gruModel.reset();
    lstmModel.reset();
}

// ---------------------------------------------------------------------------
// plain scalar (double) reference, Keras conventions (GRU reset_after=True, gate
// order z,r,h; LSTM gate order i,f,c,o), used only to validate the reconstruction
static double sigm(double x) { return 1.0 / (1.0 + std::exp(-x)); }
static std::vector<double> denseRef(const DenseW& d, const std::vector<double>& x)
{
    std::vector<double> y(d.b.size());
    for(size_t o = 0; o < y.size(); ++o)
    {
        double s = d.b[o];
        for(size_t i = 0; i < x.size(); ++i)
            s += (double)d.w[o][i] * x[i];
        y[o] = s;
    }
    return y;
}
static std::vector<double> toD(const float* p, int n) { return std::vector<double>(p, p + n); }
static std::vector<double> refXor(const float* in)
{
    auto h = denseRef(xd0, toD(in, 2));
    for(auto& v : h) v = sigm(v);
    auto y = denseRef(xd1, h);
    for(auto& v : y) v = sigm(v);
    return y;
}
static std::vector<double> refGame(const float* in)
{
    auto h = denseRef(gd0, toD(in, 16));
    for(auto& v : h) v = std::tanh(v);
    auto h2 = denseRef(gd1, h);
    for(auto& v : h2) v = std::tanh(v);
    return denseRef(gd2, h2);
}
static std::vector<double> refGRU(const float* in, int steps)
{
    const int O = 16, I = 8;
    std::vector<double> h(O, 0.0), x = toD(in, I);
    for(int s = 0; s < steps; ++s)
    {
        std::vector<double> hn(O);
        for(int o = 0; o < O; ++o)
        {
            double g[3], r[3];
            for(int q = 0; q < 3; ++q)
            {
                g[q] = gruw.B[0][o + q * O];
                r[q] = gruw.B[1][o + q * O];
                for(int i = 0; i < I; ++i) g[q] += (double)gruw.W[i][o + q * O] * x[i];
                for(int k = 0; k < O; ++k) r[q] += (double)gruw.U[k][o + q * O] * h[k];
            }
            double z = sigm(g[0] + r[0]), rr = sigm(g[1] + r[1]);
            double hh = std::tanh(g[2] + rr * r[2]);
            hn[o] = (1.0 - z) * hh + z * h[o];
        }
        h = hn;
    }
    return denseRef(grud, h);
}
static std::vector<double> refLSTM(const float* in, int steps)
{
    const int O = 16, I = 8;
    std::vector<double> h(O, 0.0), c(O, 0.0), x = toD(in, I);
    for(int s = 0; s < steps; ++s)
    {
        std::vector<double> hn(O), cn(O);
        for(int o = 0; o < O; ++o)
        {
            double g[4];
            for(int q = 0; q < 4; ++q)
            {
                g[q] = lstmw.B[o + q * O];
                for(int i = 0; i < I; ++i) g[q] += (double)lstmw.W[i][o + q * O] * x[i];
                for(int k = 0; k < O; ++k) g[q] += (double)lstmw.U[k][o + q * O] * h[k];
            }
            double ig = sigm(g[0]), fg = sigm(g[1]), cc = std::tanh(g[2]), og = sigm(g[3]);
            cn[o] = fg * c[o] + ig * cc;
            hn[o] = og * std::tanh(cn[o]);
        }
        h = hn;
        c = cn;
    }
    return denseRef(lstmd, h);
}

template <typename Model, typename RefFn>
static bool checkRef(const char* name, Model& m, const float* in, int nOut, int steps, RefFn ref)
{
    m.reset();
    for(int s = 0; s < steps; ++s)
        m.forward(in);
    auto r = ref();
    double maxErr = 0.0;
    for(int i = 0; i < nOut; ++i)
        maxErr = std::max(maxErr, std::fabs((double)m.getOutputs()[i] - r[(size_t)i]));
    m.reset();
    std::fprintf(stderr, "ref   %-5s max |rtneural - scalar ref| = %.3g\n", name, maxErr);
    return maxErr < 1e-4;
}

// run forward on two different inputs; outputs must be finite and differ
template <typename Model>
static bool checkModel(const char* name, Model& m, const float* a, const float* b, int nOut, int steps)
{
    std::vector<float> ya((size_t)nOut), yb((size_t)nOut);
    m.reset();
    for(int s = 0; s < steps; ++s)
        m.forward(a);
    for(int i = 0; i < nOut; ++i)
        ya[(size_t)i] = m.getOutputs()[i];
    m.reset();
    for(int s = 0; s < steps; ++s)
        m.forward(b);
    for(int i = 0; i < nOut; ++i)
        yb[(size_t)i] = m.getOutputs()[i];
    m.reset();

    bool finite = true, differ = false;
    for(int i = 0; i < nOut; ++i)
    {
        finite = finite && std::isfinite(ya[(size_t)i]) && std::isfinite(yb[(size_t)i]);
        differ = differ || (ya[(size_t)i] != yb[(size_t)i]);
    }
    std::fprintf(stderr, "check %-5s in A -> %.6f, in B -> %.6f (out[0], %d step(s)) finite=%d differ=%d\n",
        name, (double)ya[0], (double)yb[0], steps, (int)finite, (int)differ);
    return finite && differ;
}

// ---------------------------------------------------------------------------
static void BM_Xor(benchmark::State& state)
{
    const float* in = inXor[0];
    for(auto _ : state)
    {
        float y = xorModel.forward(in);
        benchmark::DoNotOptimize(y);
    }
}
BENCHMARK(BM_Xor);

static void BM_Game(benchmark::State& state)
{
    const float* in = inGame[0];
    for(auto _ : state)
    {
        float y = gameModel.forward(in);
        benchmark::DoNotOptimize(y);
    }
}
BENCHMARK(BM_Game);

static void BM_GRUStep(benchmark::State& state)
{
    const float* in = inSeq[0];
    gruModel.reset();
    for(auto _ : state)
    {
        float y = gruModel.forward(in); // state carried across calls
        benchmark::DoNotOptimize(y);
    }
}
BENCHMARK(BM_GRUStep);

static void BM_LSTMStep(benchmark::State& state)
{
    const float* in = inSeq[0];
    lstmModel.reset();
    for(auto _ : state)
    {
        float y = lstmModel.forward(in); // state carried across calls
        benchmark::DoNotOptimize(y);
    }
}
BENCHMARK(BM_LSTMStep);

int main(int argc, char** argv)
{
    initAll();

    const int vsize = (int)xsimd::simd_type<float>::size;
    const std::string arch = xsimd::default_arch::name();
    char ver[64];
    std::snprintf(ver, sizeof ver, "%d.%d.%d", XSIMD_VERSION_MAJOR, XSIMD_VERSION_MINOR, XSIMD_VERSION_PATCH);
    std::fprintf(stderr, "backend=xsimd %s default_arch=%s batch<float>::size=%d (%d-bit) RTNEURAL_DEFAULT_ALIGNMENT=%d\n",
        ver, arch.c_str(), vsize, vsize * 32, RTNEURAL_DEFAULT_ALIGNMENT);
    benchmark::AddCustomContext("rtneural_backend", std::string("xsimd ") + ver);
    benchmark::AddCustomContext("xsimd_arch", arch);
    benchmark::AddCustomContext("simd_bits", std::to_string(vsize * 32));

    bool ok = true;
    ok &= checkModel("xor", xorModel, inXor[0], inXor[1], 1, 1);
    ok &= checkModel("game", gameModel, inGame[0], inGame[1], 4, 1);
    ok &= checkModel("gru", gruModel, inSeq[0], inSeq[1], 1, 5);
    ok &= checkModel("lstm", lstmModel, inSeq[0], inSeq[1], 1, 5);
    ok &= checkRef("xor", xorModel, inXor[1], 1, 1, [] { return refXor(inXor[1]); });
    ok &= checkRef("game", gameModel, inGame[1], 4, 1, [] { return refGame(inGame[1]); });
    ok &= checkRef("gru", gruModel, inSeq[1], 1, 7, [] { return refGRU(inSeq[1], 7); });
    ok &= checkRef("lstm", lstmModel, inSeq[1], 1, 7, [] { return refLSTM(inSeq[1], 7); });
    if(!ok)
    {
        std::fprintf(stderr, "OUTPUT CHECK FAILED\n");
        return 1;
    }

    benchmark::Initialize(&argc, argv);
    if(benchmark::ReportUnrecognizedArguments(argc, argv))
        return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
