// Runs one `pulumi` command on a Node.js program served by the Automation API's language server.
//
//     node node_host.js PROGRAM_DIR ENTRY PULUMI [ARG ...]
//
// The module proxy serves no Pulumi language host (pulumi-language-nodejs), so the program is served
// the way the Automation API serves an inline program: its LanguageServer requires ENTRY (compiled
// JavaScript, relative to PROGRAM_DIR) in this process, and the CLI is told where with --client. The
// server and grpc-js come from the program's own @pulumi/pulumi, so that program and server share one
// runtime. stdio is the CLI's own; SIGINT and SIGTERM are passed on to it. Exits with its exit code.
"use strict";

const path = require("path");
const { spawn } = require("child_process");

async function main() {
    const [programDir, entry, ...command] = process.argv.slice(2);
    const from = { paths: [path.resolve(programDir)] };
    const load = (name) => require(require.resolve(name, from));
    const grpc = load("@grpc/grpc-js");
    const { LanguageServer } = load("@pulumi/pulumi/automation/server");
    const langrpc = load("@pulumi/pulumi/proto/language_grpc_pb");
    const { grpcChannelOptions } = load("@pulumi/pulumi/runtime");

    const program = async () => require(path.resolve(programDir, entry));
    const server = new grpc.Server({ ...grpcChannelOptions });
    server.addService(langrpc.LanguageRuntimeService, new LanguageServer(program));
    const port = await new Promise((resolve, reject) =>
        server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
    );
    const cli = spawn(command[0], [...command.slice(1), `--client=127.0.0.1:${port}`, "--exec-kind", "auto.inline"], {
        cwd: programDir,
        stdio: "inherit",
    });
    for (const sig of ["SIGINT", "SIGTERM"]) {
        process.on(sig, () => cli.kill(sig));
    }
    const code = await new Promise((resolve) => cli.on("exit", (c, s) => resolve(c === null ? 128 + (s === "SIGKILL" ? 9 : 2) : c)));
    server.forceShutdown();
    process.exit(code);
}

main().catch((err) => {
    console.error(err);
    process.exit(2);
});
