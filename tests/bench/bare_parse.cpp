// bare_parse: the floor for issue 7's benchmark. A validating Xerces-C SAX2
// parse of claim feeds with Relief's own grammar (claim_feed_xsd(), loaded
// once into a locked grammar pool), the same hardened reader settings and
// features as adapters/feed/feed_reader.cpp, and an empty content handler:
// what `relief ingest` costs with nothing done per element.
//
//   bare_parse FEED...
//
// GBK/GB2312/CP936 declarations are decoded as GB18030, as Relief's guard says.
// Prints one summary line; exit 0 when every file parsed to the end
// (validation errors are counted, not fatal), 1 otherwise.
#include <xercesc/framework/LocalFileInputSource.hpp>
#include <xercesc/framework/MemBufInputSource.hpp>
#include <xercesc/framework/XMLGrammarPoolImpl.hpp>
#include <xercesc/sax/SAXParseException.hpp>
#include <xercesc/sax2/DefaultHandler.hpp>
#include <xercesc/sax2/XMLReaderFactory.hpp>
#include <xercesc/util/XMLException.hpp>
#include <xercesc/util/XMLUni.hpp>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>

#include "adapters/feed/feed_reader.hpp"
#include "adapters/feed/xerces_support.hpp"

using namespace xercesc;

namespace {

// Counts validation errors; fatal errors throw (DefaultHandler's default).
class CountingHandler : public DefaultHandler {
 public:
  void error(const SAXParseException&) override { ++errors; }
  std::int64_t errors = 0;
};

// The encoding to force ("" or "GB18030"), decided by Relief's own byte guard
// on the file's first bytes (only the prolog matters for that decision).
std::string forced_encoding(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::string head(4096, '\0');
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<std::size_t>(in.gcount()));
  return relief::guard_feed(relief::FeedSource{path, &head}, INT64_MAX).encoding;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: bare_parse FEED...\n";
    return 1;
  }
  relief::xml::ensure_initialized();
  auto t0 = std::chrono::steady_clock::now();
  int rc = 0;
  std::int64_t bytes = 0, errors = 0;
  {
    // Everything Xerces lives in this scope (Relief never calls Terminate).
    XMLGrammarPoolImpl pool(XMLPlatformUtils::fgMemoryManager);
    {
      std::unique_ptr<SAX2XMLReader> loader(XMLReaderFactory::createXMLReader(XMLPlatformUtils::fgMemoryManager, &pool));
      relief::xml::RefuseAllResolver resolver;
      relief::xml::harden(*loader, resolver);
      const std::string& xsd = relief::claim_feed_xsd();
      MemBufInputSource src(reinterpret_cast<const XMLByte*>(xsd.data()), xsd.size(), "claim-feed.xsd");
      if (!loader->loadGrammar(src, Grammar::SchemaGrammarType, true)) {
        std::cerr << "bare_parse: the claim-feed XSD does not load\n";
        return 1;
      }
      pool.lockPool();
    }
    for (int i = 1; i < argc; ++i) {
      const std::string path = argv[i];
      std::unique_ptr<SAX2XMLReader> reader(XMLReaderFactory::createXMLReader(XMLPlatformUtils::fgMemoryManager, &pool));
      relief::xml::RefuseAllResolver resolver;
      relief::xml::harden(*reader, resolver);
      relief::xml::validate_with_cached_grammar(*reader);
      CountingHandler handler;
      reader->setContentHandler(&handler);
      reader->setErrorHandler(&handler);
      XMLCh* xpath = XMLString::transcode(path.c_str());
      LocalFileInputSource input(xpath);
      XMLString::release(&xpath);
      std::string enc = forced_encoding(path);
      if (!enc.empty()) {
        XMLCh* xenc = XMLString::transcode(enc.c_str());
        input.setEncoding(xenc);
        XMLString::release(&xenc);
      }
      try {
        reader->parse(input);
      } catch (const SAXParseException& e) {
        std::cerr << path << ": line " << e.getLineNumber() << ": " << relief::xml::to_utf8(e.getMessage()) << "\n";
        rc = 1;
      } catch (const SAXException& e) {
        std::cerr << path << ": " << relief::xml::to_utf8(e.getMessage()) << "\n";
        rc = 1;
      } catch (const XMLException& e) {
        std::cerr << path << ": " << relief::xml::to_utf8(e.getMessage()) << "\n";
        rc = 1;
      }
      errors += handler.errors;
      std::error_code ec;
      auto size = std::filesystem::file_size(path, ec);
      if (!ec) bytes += static_cast<std::int64_t>(size);
    }
  }
  double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::cout << "bare_parse: " << (argc - 1) << " files, " << bytes << " bytes, " << errors << " validation errors, "
            << s << " s\n";
  return rc;
}
