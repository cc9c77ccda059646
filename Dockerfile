# The agent as a container. FROM a Node image made locally from the host's node (scripts/build-node-image.sh):
# no registry is involved, and native modules built on the host by `npm ci` load as they are.
FROM minikubelet/node:local
WORKDIR /app
COPY package.json ./
COPY node_modules ./node_modules
COPY dist ./dist
COPY test/fixtures ./test/fixtures
ENV NODE_ENV=production
EXPOSE 10250 53/udp 53/tcp
CMD ["node", "dist/daemon/main.js"]
