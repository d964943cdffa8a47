// The V8 flags the server runs with, in one place: the bin applies them, the Dockerfile and the
// npm scripts pass them on the command line (test/unit/docker-compose.test.ts holds them equal),
// the benchmarks start servers with them.
//
// --no-allocation-site-pretenuring: V8's pretenuring guesses that objects from some allocation
// sites live long; in a request/response server they do not, and each young-generation collection
// then carries finished requests along (docs/benchmarks.md, "GC pauses").
module.exports.NODE_FLAGS = Object.freeze(['--no-allocation-site-pretenuring']);
