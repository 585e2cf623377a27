#!/usr/bin/env bash
# A new console project that references only the packed CoroGen package from a local folder feed: it must compile a
# template and print the first Fibonacci numbers.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
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
dotnet new console -n Smoke -o . --force >/dev/null
version=$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' "$root/Directory.Build.props" | head -1)
dotnet add package CoroGen --version "$version" --no-restore >/dev/null
cat > Program.cs <<'CS'
using System;
using CoroGen;

Console.WriteLine(string.Join(" ", Numbers.Fibonacci(7)));

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
}
CS
dotnet restore --packages "$work/packages" >/dev/null
output=$(dotnet run --no-restore)
echo "$output"
[ "$output" = "1 1 2 3 5 8 13" ]
