export { Channel, type ChannelOptions } from "./channel.js";
