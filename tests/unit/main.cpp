#define BOOST_TEST_MODULE relief
#include <boost/test/unit_test.hpp>
