// The registered channels. Adding a fifth: a folder with its module and its
// dated parameter files, and one line here.
#include "channels/channel.hpp"

namespace relief {

std::unique_ptr<ChannelModule> make_government_channel();
std::unique_ptr<ChannelModule> make_children_channel();
std::unique_ptr<ChannelModule> make_charity_channel();
std::unique_ptr<ChannelModule> make_lottery_channel();

const std::vector<std::unique_ptr<ChannelModule>>& channel_modules() {
  static const std::vector<std::unique_ptr<ChannelModule>> modules = [] {
    std::vector<std::unique_ptr<ChannelModule>> m;
    m.push_back(make_government_channel());
    m.push_back(make_children_channel());
    m.push_back(make_charity_channel());
    m.push_back(make_lottery_channel());
    return m;
  }();
  return modules;
}

}  // namespace relief
