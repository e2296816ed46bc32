// The API's one implementation, under the name every transport imports.
export {
  type AppService as ApiService,
  type AppServiceOptions as ApiServiceOptions,
  createAppService as createApiService,
} from './service/app-service';
