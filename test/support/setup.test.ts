// Loaded with every test run: the libp2p polyfill must exist before any test imports libp2p.
import '../../node/support/polyfill.js';
