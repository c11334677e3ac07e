// The one translation unit that compiles Boost.Asio and Boost.Beast (separate compilation): every
// other file includes only their declarations, which saves ~15 s per file on a 2-core machine.
#include <boost/asio/impl/src.hpp>
#include <boost/beast/src.hpp>
