#!/usr/bin/env bash
# The packed CoroGen package tried as a new user would, from a local folder feed:
#  1. the package holds the runtime, the generator, the code fixes, the MSBuild props, the README and its symbols;
#  2. a new console project compiles templates (with EmitCompilerGeneratedFiles, so the generated file carries #line
#     directives), prints the first Fibonacci numbers, and shows the template's line in an exception's stack trace;
#  2b. a CI build (ContinuousIntegrationBuild=true) names the template's file through the path map, as its PDB does, so
#     the generated files do not depend on the checkout's directory;
#  3. with CoroGenKeepStackFrames, an exception from a coroutine stepped in hot, optimized code still shows the template's
#     line in its stack trace;
#  4. a net8.0 project (C# 12, net8.0's default) with nullable enabled, warnings as errors, implicit usings off, the latest
#     warning wave and a '#nullable disable' file compiles its templates with no warning (it is not run: the machine may
#     have only the .NET 10 runtime);
#  5. a project whose template's type is not partial gets COROGEN001 from the analyzer, and the packaged code fix
#     (applied by 'dotnet format') makes it build and run;
#  6. a template in a C# 14 extension block gets COROGEN001 at the block, saying what to write instead.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
version=$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' "$root/Directory.Build.props" | head -1)
package="$root/artifacts/packages/CoroGen.$version.nupkg"

echo "-- package contents"
contents=$(unzip -Z1 "$package")
for entry in lib/net8.0/CoroGen.dll lib/net8.0/CoroGen.xml analyzers/dotnet/cs/CoroGen.Generator.dll analyzers/dotnet/cs/CoroGen.CodeFixes.dll build/CoroGen.props build/CoroGen.targets README.md; do
  grep -qx "$entry" <<<"$contents" || { echo "missing from the package: $entry"; exit 1; }
done
[ -f "$root/artifacts/packages/CoroGen.$version.snupkg" ] || { echo "missing symbols package"; exit 1; }
echo "runtime, generator, code fixes, props, targets, README and symbols are packed"

cd "$work"
cat > nuget.config <<XML
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <clear />
    <add key="local" value="$root/artifacts/packages" />
    <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
  </packageSources>
</configuration>
XML

# A new console project that references only the package.
new_project() {
  mkdir "$1"
  (cd "$1" && dotnet new console -n "$1" -o . --force >/dev/null && dotnet add package CoroGen --version "$version" --no-restore >/dev/null)
}

# Sets the MSBuild property $2 of project $1 to $3.
set_property() {
  sed -i "s:</PropertyGroup>:  <$2>$3</$2>\n  </PropertyGroup>:" "$1/$1.csproj"
}

# Restores and builds project $1, which must fail with an error matching $2 (a grep pattern); prints CoroGen's error.
expect_build_error() {
  (cd "$1" && dotnet restore --packages "$work/packages" >/dev/null)
  local build
  if build=$(cd "$1" && dotnet build --no-restore 2>&1); then
    echo "$build" | tail -5; echo "$1 built without the expected error: $2"; exit 1
  fi
  grep -q "$2" <<<"$build" || { echo "$build" | grep -E "error|warn" | head -10; echo "expected: $2"; exit 1; }
  echo "the analyzer reports: $(grep -o "error COROGEN[0-9]*: [^;]*" <<<"$build" | head -1)"
}

echo "-- a new console project"
new_project Smoke
set_property Smoke EmitCompilerGeneratedFiles true
cat > Smoke/Program.cs <<'CS'
using System;
using System.Text.RegularExpressions;
using CoroGen;

Console.WriteLine(string.Join(" ", Numbers.Fibonacci(7)));
try
{
    foreach (int _ in Numbers.Countdown(2)) { }
}
catch (InvalidOperationException e)
{
    // The generated class carries #line directives: the trace names this file and the template's line.
    Console.WriteLine("thrown at Program.cs line " + Regex.Match(e.StackTrace!, @"Program\.cs:line (\d+)").Groups[1].Value);
}

static partial class Numbers
{
    [Coroutine]
    public static async Coroutine Fibonacci(int n, Yielder<int> co)
    {
        int a = 1, b = 1;
        for (int i = 0; i < n; i++)
        {
            await co.Yield(a);
            (a, b) = (b, a + b);
        }
    }

    [Coroutine]
    public static async Coroutine Countdown(int from, Yielder<int> co)
    {
        for (int i = from; i > 0; i--)
            await co.Yield(i);
        throw new InvalidOperationException("liftoff"); // the line the stack trace must show
    }
}
CS
throw_line=$(grep -n 'the line the stack trace must show' Smoke/Program.cs | cut -d: -f1)
(cd Smoke && dotnet restore --packages "$work/packages" >/dev/null)
output=$(cd Smoke && dotnet run --no-restore)
echo "$output"
expected=$(printf '1 1 2 3 5 8 13\nthrown at Program.cs line %s' "$throw_line")
[ "$output" = "$expected" ] || { echo "expected:"; echo "$expected"; exit 1; }
generated=$(find Smoke/obj -path '*generated/CoroGen.Generator*' -name '*.g.cs' | sort)
[ -n "$generated" ] || { echo "EmitCompilerGeneratedFiles wrote no generated file"; exit 1; }
grep -q "^#line .*Program.cs\"" $generated || { echo "the generated files carry no #line directive to Program.cs"; exit 1; }
echo "generated: $(basename -a $generated | tr '\n' ' ')"

echo "-- a CI build names the template's file through the path map"
# ContinuousIntegrationBuild=true makes the SDK map every source root to /_/ (PathMap), but only just before CoreCompile,
# after the generator's MSBuild properties were written: the package's targets compute the map in time, so the #line
# directives say /_/Program.cs, as the PDB does, and not the directory the project was built in.
new_project Ci
set_property Ci EmitCompilerGeneratedFiles true
set_property Ci ContinuousIntegrationBuild true
# The source root that source control (SourceLink) gives a repository's checkout.
sed -i 's:</Project>:  <ItemGroup>\n    <SourceRoot Include="$(MSBuildProjectDirectory)/" />\n  </ItemGroup>\n</Project>:' Ci/Ci.csproj
cp Smoke/Program.cs Ci/Program.cs
(cd Ci && dotnet restore --packages "$work/packages" >/dev/null)
output=$(cd Ci && dotnet run --no-restore)
[ "$output" = "$expected" ] || { echo "$output"; echo "expected:"; echo "$expected"; exit 1; }
generated=$(find Ci/obj -path '*generated/CoroGen.Generator*' -name '*.g.cs' | sort)
grep -Eq '^#line [0-9]+ "/_[0-9]*/Program.cs"$' $generated || { grep -h "^#line [0-9]" $generated | head -3; echo "a CI build's #line directives do not name /_/Program.cs (or /_1/..., the roots are numbered)"; exit 1; }
if grep -q "$work" $generated; then grep -h "$work" $generated | head -3; echo "a CI build's generated files name the build's directory"; exit 1; fi
echo "a CI build's #line directives name $(grep -Eoh '"/_[0-9]*/Program.cs"' $generated | head -1)"

echo "-- CoroGenKeepStackFrames keeps the template's frame in hot, optimized code"
# Optimized code may inline the generated Resume into the loop that drives it (as it does a C# iterator's MoveNext): the
# trace then names the loop's line. With the switch, Resume is never inlined and the trace names the template's line.
new_project Frames
set_property Frames CoroGenKeepStackFrames true
cat > Frames/Program.cs <<'CS'
using System;
using System.Text.RegularExpressions;
using CoroGen;

// Hot code: tiered compilation optimizes this loop while it runs (on-stack replacement) and may inline the step into it.
string line = "none";
for (int round = 0; round < 3; round++)
{
    var counter = Hot.Counter(round == 2 ? 2_000_000 : -1);
    long sum = 0;
    try
    {
        for (int i = 0; i < 3_000_000 && counter.MoveNext(); i++) sum += counter.Current;
    }
    catch (InvalidOperationException e)
    {
        line = Regex.Match(e.StackTrace!, @"Program\.cs:line (\d+)").Groups[1].Value;
    }
}

Console.WriteLine("thrown at Program.cs line " + line);

static partial class Hot
{
    [Coroutine]
    public static async Coroutine Counter(long limit, Yielder<long> co)
    {
        for (long i = 0; ; i++)
        {
            if (i == limit) throw new InvalidOperationException("hot"); // the line the stack trace must show
            await co.Yield(i);
        }
    }
}
CS
throw_line=$(grep -n 'the line the stack trace must show' Frames/Program.cs | cut -d: -f1)
(cd Frames && dotnet restore --packages "$work/packages" >/dev/null)
output=$(cd Frames && dotnet run --no-restore -c Release)
echo "$output"
[ "$output" = "thrown at Program.cs line $throw_line" ] || { echo "expected: thrown at Program.cs line $throw_line"; exit 1; }

echo "-- a net8.0 project (C# 12, its default) with nullable, warnings as errors and the latest warning wave"
# Only compiled: the machine may have no .NET 8 runtime. The generated code must add no error or warning of its own.
new_project Net8
sed -i -e 's:<TargetFramework>[^<]*</TargetFramework>:<TargetFramework>net8.0</TargetFramework>:' \
  -e 's:</PropertyGroup>:  <Nullable>enable</Nullable>\n    <ImplicitUsings>disable</ImplicitUsings>\n    <TreatWarningsAsErrors>true</TreatWarningsAsErrors>\n    <AnalysisLevel>latest</AnalysisLevel>\n  </PropertyGroup>:' Net8/Net8.csproj
cp Smoke/Program.cs Net8/Program.cs
cat > Net8/Shapes.cs <<'CS'
using System.Collections.Generic;
using CoroGen;

namespace Net8;

public static partial class Shapes
{
    // A finally that suspends, a delegation with a conversion, a helper taking co, and a result.
    [Coroutine]
    public static async Coroutine<int> Corners(List<string> log, Yielder<long, string?> co)
    {
        int total = 0;
        try
        {
            foreach (int side in new[] { 3, 4 })
            {
                string? reply = await co.Yield(side);
                log.Add(reply ?? "none");
                total += await Count(side);
            }
        }
        finally
        {
            await co.Twice(-1);
        }

        return total;
    }

    [Coroutine]
    private static async Coroutine<int> Count(int n, Yielder<int, string?> co)
    {
        for (int i = 0; i < n; i++)
            await co.Yield(i);
        return n;
    }

    private static YieldAwaitable<string?> Twice(this Yielder<long, string?> co, long value) => co.Yield(value * 2);
}
CS
cat > Net8/Legacy.cs <<'CS'
#nullable disable
using CoroGen;

namespace Net8;

public static partial class Legacy
{
    [Coroutine]
    public static async Coroutine<string> Words(string first, Yielder<string, string> co)
    {
        string last = first;
        while (last != null)
            last = await co.Yield(last);
        return first;
    }
}
CS
(cd Net8 && dotnet restore --packages "$work/packages" >/dev/null)
net8=$(cd Net8 && dotnet build --no-restore 2>&1) || { echo "$net8" | grep -E "error|warn" | head -20; echo "the net8.0 project does not build"; exit 1; }
if grep -qE "warning (CS|CA|IDE|COROGEN)[0-9]+" <<<"$net8"; then echo "$net8" | grep -E "warning (CS|CA|IDE|COROGEN)" | head -20; echo "the net8.0 project builds with warnings"; exit 1; fi
[ -f Net8/bin/Debug/net8.0/Net8.dll ] || { echo "the net8.0 project built no net8.0 assembly"; exit 1; }
echo "a net8.0 project (C# 12) builds its templates with no error or warning"

echo "-- a template in a type that is not partial"
new_project Mistake
cat > Mistake/Program.cs <<'CS'
using System;
using CoroGen;

Console.WriteLine(string.Join(" ", Letters.Abc()));

static class Letters
{
    [Coroutine]
    public static async Coroutine Abc(Yielder<char> co)
    {
        foreach (char c in "abc")
            await co.Yield(c);
    }
}
CS
expect_build_error Mistake "Program.cs(6,14): error COROGEN001: Type 'Letters' contains the \[Coroutine\] template 'Abc' but is not partial"
(cd Mistake && dotnet format analyzers --no-restore --diagnostics COROGEN001 --severity error >/dev/null 2>&1) || true
grep -q "^static partial class Letters" Mistake/Program.cs || { echo "the COROGEN001 code fix did not make 'Letters' partial"; exit 1; }
fixed=$(cd Mistake && dotnet run --no-restore)
[ "$fixed" = "a b c" ] || { echo "after the code fix: $fixed"; exit 1; }
echo "the code fix made 'Letters' partial; the project runs: $fixed"

echo "-- a template in a C# 14 extension block"
# Only the SDK's compiler knows extension blocks (the test projects' Roslyn does not): the analyzer must name the mistake
# where it stands instead of reporting a type without a name and no location.
new_project Extension
cat > Extension/Program.cs <<'CS'
using System;
using CoroGen;

Console.WriteLine(string.Join(" ", "abc".Letters()));

static partial class Strings
{
    extension(string s)
    {
        [Coroutine]
        public async Coroutine Letters(Yielder<char> co)
        {
            foreach (char c in s)
                await co.Yield(c);
        }
    }
}
CS
expect_build_error Extension "Program.cs(8,5): error COROGEN001: Type 'extension(string s)' contains the \[Coroutine\] template 'Letters' but is an extension block"
